// A view = how to load its data + how to draw it. The shell keeps the loaded data, so a
// language switch redraws without fetching again.
import type { User } from "../api/types";
import type { Loaded } from "../data/fetch";
import type { MessageKey } from "../i18n";

export interface View<T> {
  id: string;
  title: MessageKey;
  /** The page's title (document.title) when the view has parts of its own (tabs); else `title`. */
  pageTitle?: () => MessageKey;
  load(user: User): Promise<Loaded<T>>;
  render(data: T, user: User): Node;
}
