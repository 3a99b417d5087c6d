// The terminal view's panels, in tab order. A panel draws into `host` (and may redraw it
// later, e.g. when its data arrives or the outbox syncs); it gets the user and their terminal.
import type { User } from "../api/types";
import type { MessageKey } from "../i18n";
import { drawGoodsIn } from "./goods-in";
import { drawLoading } from "./loading";

export type TerminalPanelId = "goods-in" | "loading";

export interface TerminalPanel {
  id: TerminalPanelId;
  title: MessageKey;
  draw(host: HTMLElement, user: User, terminalId: number): void;
}

export const TERMINAL_PANELS: TerminalPanel[] = [
  { id: "goods-in", title: "terminal.tab.goodsIn", draw: (host, user) => drawGoodsIn(host, user) },
  { id: "loading", title: "terminal.tab.loading", draw: (host, user) => drawLoading(host, user) },
];
