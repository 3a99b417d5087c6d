// The local producer's view: their supplier record and the orders they are to deliver.
import { loadProducerData, type ProducerData } from "../data/queries";
import { t } from "../i18n";
import { empty, ordersByDay } from "../ui/components";
import { h } from "../ui/dom";
import type { View } from "./types";

export const producerView: View<ProducerData> = {
  id: "producer-orders",
  title: "producer.title",
  load: (user) => loadProducerData(user.supplier_id),
  render({ supplier, ordersByDay: byDay }) {
    if (!supplier) return empty(t("producer.noSupplier"));
    const areas = supplier.product_areas.map((area) => area.name).join(", ");
    return h(
      "div",
      { class: "producer" },
      h(
        "article",
        { class: "card", "data-testid": "supplier" },
        h("h3", {}, supplier.name),
        h("p", { class: "muted" }, [t(`supplierKind.${supplier.kind}`), supplier.address].filter(Boolean).join(" · ")),
        areas ? h("p", {}, t("producer.productAreas", { areas })) : null,
      ),
      h("h2", { class: "section-title" }, t("producer.upcoming")),
      byDay.size
        ? ordersByDay(byDay, (order) => t("order.toDeliveryPoint", { id: order.delivery_point_id }))
        : empty(t("producer.noOrders")),
    );
  },
};
