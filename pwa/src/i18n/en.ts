// English UI strings. `satisfies Messages` makes the compiler reject missing and extra keys.
import type { Messages } from "./sv";

export const en = {
  "app.name": "Samlast",
  "app.tagline": "Coordinated goods distribution",
  "app.loading": "Starting …",

  "header.user": "Signed in as {name}",
  "header.logout": "Log out",
  "header.language": "Language",
  "lang.sv": "Svenska",
  "lang.en": "English",

  "role.coordinator": "Coordinator",
  "role.driver": "Driver",
  "role.recipient": "Kitchen / recipient",
  "role.producer": "Producer",

  "offline.banner": "No connection. You are seeing the last saved information.",
  "offline.savedAt": "Saved {time}.",
  "offline.nothingSaved": "Nothing has been saved on this device yet.",

  "login.title": "Log in",
  "login.intro": "Use the account you were given by the municipality's coordinator.",
  "login.username": "Username",
  "login.password": "Password",
  "login.showPassword": "Show password",
  "login.submit": "Log in",
  "login.submitting": "Logging in …",
  "login.required": "Please fill in this field.",

  "error.title": "Something went wrong",
  "error.network": "The server cannot be reached. Check the connection and try again.",
  "error.unexpected": "Unexpected answer from the server (HTTP {status}).",
  "error.sessionExpired": "You have been logged out. Please log in again.",
  "error.unknownRole": "Your role ({role}) has no view in the app yet.",

  "common.retry": "Try again",
  "common.loading": "Loading …",
  "common.kg": "{kg} kg",
  "common.today": "Today",
  "common.tomorrow": "Tomorrow",
  "common.none": "–",

  "weekday.0": "Monday",
  "weekday.1": "Tuesday",
  "weekday.2": "Wednesday",
  "weekday.3": "Thursday",
  "weekday.4": "Friday",
  "weekday.5": "Saturday",
  "weekday.6": "Sunday",

  "temp.frozen": "Frozen",
  "temp.chilled": "Chilled",
  "temp.ambient": "Ambient",

  "dpKind.school_kitchen": "School kitchen",
  "dpKind.preschool": "Preschool",
  "dpKind.care_home": "Care home",
  "dpKind.other": "Other",

  "supplierKind.wholesaler": "Wholesaler",
  "supplierKind.local_producer": "Local producer",

  "order.title": "Order {ref}",
  "order.total": "Total {kg} kg",
  "order.lines": "{n} lines",
  "order.note": "Note: {note}",
  "order.fromSupplier": "From supplier no. {id}",
  "order.toDeliveryPoint": "To delivery point no. {id}",
  "order.status.open": "Open",
  "order.status.cancelled": "Cancelled",

  "coord.title": "Overview",
  "coord.intro": "The cluster right now.",
  "coord.deliveryPoints": "Delivery points",
  "coord.suppliers": "Suppliers",
  "coord.localProducers": "of which local producers: {n}",
  "coord.vehicles": "Vehicles",
  "coord.activeVehicles": "in service: {n}",
  "coord.ordersToday": "Open orders today",
  "coord.ordersTomorrow": "Open orders tomorrow",
  "coord.apiDocs": "API documentation",
  "coord.apiDocsHint": "For system integration: every call and field is described here.",

  "recipient.title": "My deliveries",
  "recipient.noPoints": "Your account is not linked to a delivery point. Contact the coordinator.",
  "recipient.windows": "Receiving hours",
  "recipient.noWindows": "No receiving hours set.",
  "recipient.unloading": "Unloading place: {place}",
  "recipient.access": "Access: {notes}",
  "recipient.upcoming": "Upcoming deliveries, 7 days",
  "recipient.noOrders": "No deliveries in the next 7 days.",

  "producer.title": "My business",
  "producer.noSupplier": "Your account is not linked to a supplier. Contact the coordinator.",
  "producer.productAreas": "Product areas: {areas}",
  "producer.upcoming": "Orders to deliver, 7 days",
  "producer.noOrders": "No orders in the next 7 days.",

  "driver.title": "Today's route",
  "driver.noRoute": "No planned route today.",
  "driver.noRouteHint":
    "The coordinator plans the routes. When a route for you is ready, its stops are shown here in driving order.",
} satisfies Messages;
