// All routes of a day on one Leaflet map with OpenStreetMap tiles. Stops and vehicles are
// HTML markers (divIcon), so the map still shows every route on a plain background when
// no tile loads (offline, blocked tile server).
import "leaflet/dist/leaflet.css";
import type * as LeafletNS from "leaflet";
import { t } from "../i18n";
import type { PlanRoute, Terminal } from "./api";
import type { VehiclePosition } from "./socket";
import { formatClock } from "../util/time";

type Leaflet = typeof LeafletNS;
let leaflet: Promise<Leaflet> | null = null;

/** One colour per route; dark enough for white text (>= 4.5:1) and told apart by number too. */
export const ROUTE_COLOURS = ["#0a3a7a", "#a3000b", "#006b3c", "#6a1b9a", "#8a4b00", "#00626e", "#b0004f", "#3d4f00"];
export const TRUCK_SVG =
  '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path fill="currentColor" d="M2 5h12v10H2zM15 8h4l3 4v3h-7zM6 19a2 2 0 1 1 0-4 2 2 0 0 1 0 4zm12 0a2 2 0 1 1 0-4 2 2 0 0 1 0 4z"/></svg>';
export const routeColour = (index: number) => ROUTE_COLOURS[index % ROUTE_COLOURS.length] ?? "#0a3a7a";
/** The CSS class that sets --route (style attributes are blocked by the Content-Security-Policy). */
export const routeClass = (index: number) => (index < 0 ? "rc-none" : `rc-${index % ROUTE_COLOURS.length}`);

const STATUS_MARK: Record<string, string> = { planned: "", arrived: "●", done: "✓", skipped: "✕" };

export interface RoutesMap {
  update(positions: Map<string, VehiclePosition>, routes: PlanRoute[]): void;
  focus(routeId: number): void;
  destroy(): void;
}

export async function drawRoutesMap(
  element: HTMLElement,
  routes: PlanRoute[],
  terminal: Terminal | null,
): Promise<RoutesMap> {
  leaflet ??= import("leaflet");
  const L = await leaflet;
  const map = L.map(element, { zoomControl: true, attributionControl: true });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  }).addTo(map);
  const points: [number, number][] = [];
  const bounds = new Map<number, [number, number][]>();
  if (terminal) {
    points.push([terminal.lat, terminal.lon]);
    L.marker([terminal.lat, terminal.lon], {
      icon: L.divIcon({ className: "cmap-marker cmap-terminal", html: "T", iconSize: [34, 34] }),
      title: terminal.name,
      alt: terminal.name,
      keyboard: false,
    }).addTo(map);
  }
  routes.forEach((route, index) => {
    const colour = routeColour(index);
    const line: [number, number][] = route.stops.map((stop) => [stop.lat, stop.lon]);
    const path = terminal ? [[terminal.lat, terminal.lon] as [number, number], ...line, [terminal.lat, terminal.lon] as [number, number]] : line;
    bounds.set(route.id, path);
    L.polyline(path, { color: colour, weight: 5, opacity: 0.85 }).addTo(map);
    for (const stop of route.stops) {
      points.push([stop.lat, stop.lon]);
      const label = `${route.vehicle_name} ${stop.sequence}. ${stop.name} – ${t(`coordinator.status.${stop.status}`)}`;
      const marker = L.marker([stop.lat, stop.lon], {
        icon: L.divIcon({
          className: `cmap-marker cmap-stop cmap-${stop.status}`,
          html: `<span class="${routeClass(index)}">${stop.sequence}${STATUS_MARK[stop.status] ?? ""}</span>`,
          iconSize: [34, 34],
        }),
        title: label,
        alt: label,
        keyboard: false,
      }).addTo(map);
      marker.bindTooltip(label);
      marker.on("add", () => marker.getElement()?.setAttribute("data-testid", "map-stop"));
      marker.getElement()?.setAttribute("data-testid", "map-stop");
    }
  });
  if (points.length) map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 14 });
  else map.setView([55.84, 13.3], 10);

  const vehicles = new Map<string, LeafletNS.Marker>();
  const resize = () => map.invalidateSize();
  window.addEventListener("resize", resize);
  return {
    update(positions, current) {
      for (const [key, position] of positions) {
        const index = current.findIndex((route) => route.id === position.route_id);
        const route = index >= 0 ? current[index] : undefined;
        const label = t("coordinator.vehicleAt", {
          vehicle: route?.vehicle_name ?? t("coordinator.vehicle"),
          time: formatClock(position.recorded_at),
        });
        const existing = vehicles.get(key);
        if (existing) {
          existing.setLatLng([position.lat, position.lon]);
          existing.getElement()?.setAttribute("aria-label", label);
          existing.setTooltipContent(label);
        } else {
          const marker = L.marker([position.lat, position.lon], {
            icon: L.divIcon({
              className: "cmap-marker cmap-vehicle",
              html: `<span class="${routeClass(index)}">${TRUCK_SVG}</span>`,
              iconSize: [38, 38],
            }),
            title: label,
            alt: label,
            keyboard: false,
            zIndexOffset: 1000,
          }).addTo(map);
          marker.bindTooltip(label);
          marker.getElement()?.setAttribute("data-testid", "map-vehicle");
          vehicles.set(key, marker);
        }
      }
    },
    focus(routeId) {
      const path = bounds.get(routeId);
      if (path?.length) map.fitBounds(L.latLngBounds(path), { padding: [30, 30], maxZoom: 15 });
    },
    destroy() {
      window.removeEventListener("resize", resize);
      map.remove();
    },
  };
}
