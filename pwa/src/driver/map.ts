// The route on a map: Leaflet with OpenStreetMap tiles. Markers are plain HTML (divIcon), so
// the map still shows the stops in order on a plain background when no tile can be loaded.
import "leaflet/dist/leaflet.css";
import { t } from "../i18n";
import type { DriverRoute, StopStatus } from "./types";

type Leaflet = typeof import("leaflet");
let leaflet: Promise<Leaflet> | null = null;

export interface MapStop {
  jobKey: string;
  sequence: number;
  name: string;
  lat: number;
  lon: number;
  status: StopStatus;
}

/** Draw the routes into `element` (already in the document); `open` is called on a tap. */
export async function drawMap(
  element: HTMLElement,
  routes: DriverRoute[],
  stops: MapStop[],
  open: (jobKey: string) => void,
): Promise<() => void> {
  leaflet ??= import("leaflet");
  const L = await leaflet;
  const map = L.map(element, { zoomControl: true, attributionControl: true });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  }).addTo(map);
  const points: [number, number][] = [];
  for (const route of routes) {
    const terminal: [number, number] = [route.terminal.lat, route.terminal.lon];
    points.push(terminal);
    L.marker(terminal, {
      icon: L.divIcon({ className: "map-marker map-terminal", html: "T", iconSize: [36, 36] }),
      title: route.terminal.name,
      keyboard: false,
    }).addTo(map);
    const line = [terminal, ...route.stops.map((stop): [number, number] => [stop.lat, stop.lon]), terminal];
    L.polyline(line, { color: "#0a3a7a", weight: 4, opacity: 0.7 }).addTo(map);
  }
  const labelled: [import("leaflet").Marker, string][] = [];
  for (const stop of stops) {
    points.push([stop.lat, stop.lon]);
    const marker = L.marker([stop.lat, stop.lon], {
      icon: L.divIcon({
        className: `map-marker map-${stop.status}`,
        html: String(stop.sequence),
        iconSize: [40, 40],
      }),
      title: `${stop.sequence}. ${stop.name}`,
      alt: `${stop.sequence}. ${stop.name}`,
    }).addTo(map);
    marker.on("click", () => open(stop.jobKey));
    labelled.push([marker, `${stop.sequence}. ${stop.name}, ${t(`driver.status.${stop.status}`)}`]);
  }
  if (points.length) map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 15 });
  else map.setView([55.84, 13.3], 10);
  // Marker elements exist once the map has a view.
  for (const [marker, label] of labelled) {
    marker.getElement()?.setAttribute("data-testid", "map-stop");
    marker.getElement()?.setAttribute("aria-label", label);
  }
  const resize = () => map.invalidateSize();
  window.addEventListener("resize", resize);
  return () => {
    window.removeEventListener("resize", resize);
    map.remove();
  };
}
