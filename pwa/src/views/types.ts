// A view = how to load its data + how to draw it. The shell keeps the loaded data, so a
// language switch redraws without fetching again.
import type { User } from "../api/types";
import type { Loaded } from "../data/fetch";
import type { MessageKey } from "../i18n";

export interface View<T> {
  id: string;
  title: MessageKey;
  load(user: User): Promise<Loaded<T>>;
  render(data: T, user: User): Node;
}
