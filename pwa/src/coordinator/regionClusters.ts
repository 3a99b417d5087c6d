// The clusters the coordinator names on the region page, typed one per line ("6K: Klippan, Bjuv").
import { t } from "../i18n";

export interface NamedCluster {
  name: string;
  municipalities: string[];
}

/** "Name: Town, Town" per line -> clusters, or the lines that do not read so. */
export function readClusters(text: string): { clusters: NamedCluster[]; errors: string[] } {
  const clusters: NamedCluster[] = [];
  const errors: string[] = [];
  text.split("\n").forEach((line, index) => {
    if (!line.trim()) return;
    const [name, towns] = line.split(":");
    const municipalities = (towns ?? "").split(",").map((m) => m.trim()).filter(Boolean);
    if (!name?.trim() || !municipalities.length) errors.push(t("region.clusterLineInvalid", { n: index + 1, line: line.trim() }));
    else clusters.push({ name: name.trim(), municipalities });
  });
  return { clusters, errors };
}
