// The driver's "Dagens rutt". Renders whatever the route source returns; today that is
// always "no route" because routes are not planned through the API yet.
import { routeSource, type Route } from "../data/route";
import { t } from "../i18n";
import { empty } from "../ui/components";
import { h } from "../ui/dom";
import { isoDate } from "../util/dates";
import type { View } from "./types";

export const driverView: View<Route | null> = {
  id: "driver-route",
  title: "driver.title",
  load: () => routeSource.routeFor(isoDate(new Date())),
  render(route) {
    if (!route || !route.stops.length) return empty(t("driver.noRoute"), t("driver.noRouteHint"));
    return h(
      "ol",
      { class: "stops" },
      route.stops.map((stop) =>
        h(
          "li",
          { class: "card stop", "data-testid": "stop" },
          h("h3", {}, `${stop.sequence}. ${stop.name}`),
          stop.address ? h("p", {}, stop.address) : null,
          stop.plannedArrival ? h("p", { class: "muted" }, stop.plannedArrival) : null,
        ),
      ),
    );
  },
};
