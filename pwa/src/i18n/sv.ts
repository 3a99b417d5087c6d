// Swedish UI strings: the default language and the reference set of keys.
// en.ts must define exactly the same keys (checked by the compiler).
// Placeholders are written {name} and filled in by t(key, { name }).
export const sv = {
  "app.name": "Samlast",
  "app.tagline": "Samordnad varudistribution",
  "app.loading": "Startar …",

  "header.user": "Inloggad som {name}",
  "header.logout": "Logga ut",
  "header.language": "Språk",
  "lang.sv": "Svenska",
  "lang.en": "English",

  "role.coordinator": "Samordnare",
  "role.driver": "Förare",
  "role.recipient": "Kök / mottagare",
  "role.producer": "Producent",

  "offline.banner": "Ingen uppkoppling. Du ser senast sparade uppgifter.",
  "offline.savedAt": "Sparat {time}.",
  "offline.nothingSaved": "Inga sparade uppgifter finns på den här enheten ännu.",

  "login.title": "Logga in",
  "login.intro": "Använd det konto du har fått av kommunens samordnare.",
  "login.username": "Användarnamn",
  "login.password": "Lösenord",
  "login.showPassword": "Visa lösenord",
  "login.submit": "Logga in",
  "login.submitting": "Loggar in …",
  "login.required": "Fyll i det här fältet.",

  "error.title": "Något gick fel",
  "error.network": "Det går inte att nå servern. Kontrollera uppkopplingen och försök igen.",
  "error.unexpected": "Oväntat svar från servern (HTTP {status}).",
  "error.sessionExpired": "Du har blivit utloggad. Logga in igen.",
  "error.unknownRole": "Din roll ({role}) har ingen vy i appen ännu.",

  "common.retry": "Försök igen",
  "common.loading": "Hämtar …",
  "common.kg": "{kg} kg",
  "common.today": "I dag",
  "common.tomorrow": "I morgon",
  "common.none": "–",

  "weekday.0": "Måndag",
  "weekday.1": "Tisdag",
  "weekday.2": "Onsdag",
  "weekday.3": "Torsdag",
  "weekday.4": "Fredag",
  "weekday.5": "Lördag",
  "weekday.6": "Söndag",

  "temp.frozen": "Fryst",
  "temp.chilled": "Kylt",
  "temp.ambient": "Torrt",

  "dpKind.school_kitchen": "Skolkök",
  "dpKind.preschool": "Förskola",
  "dpKind.care_home": "Äldreboende",
  "dpKind.other": "Övrigt",

  "supplierKind.wholesaler": "Grossist",
  "supplierKind.local_producer": "Lokal producent",

  "order.title": "Beställning {ref}",
  "order.total": "Totalt {kg} kg",
  "order.lines": "{n} rader",
  "order.note": "Meddelande: {note}",
  "order.fromSupplier": "Från leverantör nr {id}",
  "order.toDeliveryPoint": "Till leveransställe nr {id}",
  "order.status.open": "Öppen",
  "order.status.cancelled": "Makulerad",

  "coord.title": "Översikt",
  "coord.intro": "Läget i klustret just nu.",
  "coord.deliveryPoints": "Leveransställen",
  "coord.suppliers": "Leverantörer",
  "coord.localProducers": "varav lokala producenter: {n}",
  "coord.vehicles": "Fordon",
  "coord.activeVehicles": "i trafik: {n}",
  "coord.ordersToday": "Öppna beställningar i dag",
  "coord.ordersTomorrow": "Öppna beställningar i morgon",
  "coord.apiDocs": "API-dokumentation",
  "coord.apiDocsHint": "För systemintegration: alla anrop och fält beskrivs här.",

  "recipient.title": "Mina leveranser",
  "recipient.noPoints": "Ditt konto är inte kopplat till något leveransställe. Kontakta samordnaren.",
  "recipient.windows": "Mottagningstider",
  "recipient.noWindows": "Inga mottagningstider angivna.",
  "recipient.unloading": "Lossningsplats: {place}",
  "recipient.access": "Tillträde: {notes}",
  "recipient.upcoming": "Kommande leveranser, 7 dagar",
  "recipient.noOrders": "Inga leveranser de närmaste 7 dagarna.",

  "producer.title": "Min verksamhet",
  "producer.noSupplier": "Ditt konto är inte kopplat till någon leverantör. Kontakta samordnaren.",
  "producer.productAreas": "Varuområden: {areas}",
  "producer.upcoming": "Beställningar att leverera, 7 dagar",
  "producer.noOrders": "Inga beställningar de närmaste 7 dagarna.",

  "driver.title": "Dagens rutt",
  "driver.noRoute": "Ingen planerad rutt i dag.",
  "driver.noRouteHint":
    "Samordnaren planerar rutterna. När en rutt för dig är klar visas stoppen här, i körordning.",
};

export type MessageKey = keyof typeof sv;
export type Messages = Record<MessageKey, string>;
