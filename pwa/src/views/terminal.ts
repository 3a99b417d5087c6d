// Terminal staff's view (phone or rugged tablet in a cold warehouse): goods in from suppliers,
// and loading onto the vehicles. Each part is a panel of its own (pwa/src/terminal/) that
// draws into the host it is given and fetches what it needs; the shell keeps the chosen tab.
import type { User } from "../api/types";
import { cachedGet, type Loaded } from "../data/fetch";
import { t, type MessageKey } from "../i18n";
import { h } from "../ui/dom";
import { TERMINAL_PANELS, type TerminalPanelId } from "../terminal/panels";
import type { View } from "./types";

export interface TerminalData {
  terminal: { id: number; name: string };
}

let chosen: TerminalPanelId = TERMINAL_PANELS[0].id;

function tabs(redraw: () => void): HTMLElement {
  return h(
    "div",
    { class: "tabs", role: "tablist", "aria-label": t("terminal.title") },
    ...TERMINAL_PANELS.map((panel) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          class: "tab",
          "aria-selected": String(chosen === panel.id),
          "data-testid": `tab-${panel.id}`,
          onclick: () => {
            chosen = panel.id;
            redraw();
          },
        },
        t(panel.title),
      ),
    ),
  );
}

export const terminalView: View<TerminalData> = {
  id: "terminal",
  title: "terminal.title",
  pageTitle: (): MessageKey => TERMINAL_PANELS.find((panel) => panel.id === chosen)?.title ?? "terminal.title",
  load: async (user: User): Promise<Loaded<TerminalData>> => {
    const loaded = await cachedGet<{ id: number; name: string }>(`/terminals/${user.terminal_id}`);
    return { data: { terminal: { id: loaded.data.id, name: loaded.data.name } }, savedAt: loaded.savedAt };
  },
  render(data, user) {
    const root = h("div", { class: "terminal" });
    const draw = () => {
      const host = h("div", { class: "terminal-panel", "data-testid": `panel-${chosen}` });
      root.replaceChildren(h("p", { class: "muted", "data-testid": "terminal-name" }, data.terminal.name), tabs(draw), host);
      const panel = TERMINAL_PANELS.find((candidate) => candidate.id === chosen) ?? TERMINAL_PANELS[0];
      panel.draw(host, user, data.terminal.id);
    };
    draw();
    return root;
  },
};
