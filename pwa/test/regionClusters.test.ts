import { afterEach, describe, expect, it } from "vitest";
import { readClusters } from "../src/coordinator/regionClusters";
import { setLocale } from "../src/i18n";

describe("the clusters typed on the region page", () => {
  afterEach(() => setLocale("sv"));

  it("reads one cluster a line, trimming names and skipping empty lines", () => {
    const typed = "Mellersta Skåne: Eslöv, Hörby ,Höör, Kävlinge\n\n 6K : Klippan, Bjuv,\n";
    expect(readClusters(typed)).toEqual({
      clusters: [
        { name: "Mellersta Skåne", municipalities: ["Eslöv", "Hörby", "Höör", "Kävlinge"] },
        { name: "6K", municipalities: ["Klippan", "Bjuv"] },
      ],
      errors: [],
    });
  });

  it("names every line it cannot read, by its number, in the reader's language", () => {
    const { clusters, errors } = readClusters("6K Klippan Bjuv\nSydväst: Trelleborg\n: Skurup");
    expect(clusters).toEqual([{ name: "Sydväst", municipalities: ["Trelleborg"] }]);
    expect(errors).toEqual([
      "Rad 1 går inte att läsa som grupp: ”6K Klippan Bjuv”. Skriv till exempel ”6K: Klippan, Bjuv”.",
      "Rad 3 går inte att läsa som grupp: ”: Skurup”. Skriv till exempel ”6K: Klippan, Bjuv”.",
    ]);
    setLocale("en");
    expect(readClusters("x")).toEqual({
      clusters: [],
      errors: ["Line 1 cannot be read as a cluster: “x”. Write for example “6K: Klippan, Bjuv”."],
    });
  });
});
