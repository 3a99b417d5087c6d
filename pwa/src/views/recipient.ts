// The kitchen's view: my delivery point(s), when goods may arrive, and what is coming.
import type { DeliveryPoint, Order } from "../api/types";
import { loadRecipientData, type RecipientData } from "../data/queries";
import { t } from "../i18n";
import { empty, ordersByDay } from "../ui/components";
import { h } from "../ui/dom";
import type { View } from "./types";

function windows(point: DeliveryPoint): HTMLElement {
  if (!point.receiving_windows.length) return h("p", { class: "muted" }, t("recipient.noWindows"));
  const sorted = [...point.receiving_windows].sort(
    (a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start),
  );
  return h(
    "dl",
    { class: "windows" },
    sorted.flatMap((w) => [
      h("dt", {}, t(`weekday.${w.weekday}` as `weekday.${0 | 1 | 2 | 3 | 4 | 5 | 6}`)),
      h("dd", {}, `${w.start}–${w.end}`),
    ]),
  );
}

function pointCard(point: DeliveryPoint): HTMLElement {
  return h(
    "article",
    { class: "card point", "data-testid": "delivery-point", "data-id": point.id },
    h("h3", {}, point.name),
    h("p", { class: "muted" }, [t(`dpKind.${point.kind}`), point.address].filter(Boolean).join(" · ")),
    h("h4", {}, t("recipient.windows")),
    windows(point),
    point.unloading_place ? h("p", {}, t("recipient.unloading", { place: point.unloading_place })) : null,
    point.access_notes ? h("p", {}, t("recipient.access", { notes: point.access_notes })) : null,
  );
}

export const recipientView: View<RecipientData> = {
  id: "recipient-deliveries",
  title: "recipient.title",
  load: () => loadRecipientData(),
  render(data) {
    if (!data.points.length) return empty(t("recipient.noPoints"));
    const names = new Map(data.points.map((p) => [p.id, p.name]));
    // With several points, say which one each order goes to; the supplier is shown by number
    // until the orders API names it for recipients.
    const counterpart = (order: Order) =>
      data.points.length > 1
        ? `${names.get(order.delivery_point_id) ?? ""} · ${t("order.fromSupplier", { id: order.supplier_id })}`
        : t("order.fromSupplier", { id: order.supplier_id });
    return h(
      "div",
      { class: "recipient" },
      h("div", { class: "points" }, data.points.map(pointCard)),
      h("h2", { class: "section-title" }, t("recipient.upcoming")),
      data.ordersByDay.size
        ? ordersByDay(data.ordersByDay, counterpart)
        : empty(t("recipient.noOrders")),
    );
  },
};
