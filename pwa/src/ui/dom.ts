// A tiny element builder: h("p", { class: "x" }, "text", child). No framework needed.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else if (child !== null && child !== undefined && child !== false)
      parent.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Remembers the field the user is typing in inside `container`, before a redraw. The returned
 * function gives the keyboard back afterwards, with the caret where it was: to the same field if
 * it is still on the page, else to the redrawn field with the same id. A push or a sync must not
 * take the keyboard away from someone in the middle of a word.
 */
export function keepTyping(container: HTMLElement): () => void {
  const focused = document.activeElement;
  const typing =
    (focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement) && container.contains(focused)
      ? focused
      : null;
  if (!typing) return () => {};
  const { id, selectionStart, selectionEnd } = typing;
  return () => {
    const field = typing.isConnected
      ? typing
      : id
        ? container.querySelector<HTMLInputElement | HTMLTextAreaElement>(`#${CSS.escape(id)}`)
        : null;
    if (!field) return;
    field.focus();
    if (selectionStart !== null && selectionEnd !== null) field.setSelectionRange(selectionStart, selectionEnd);
  };
}

/**
 * Redraws `container` with `children`, keeping the keyboard where someone was typing in it
 * (`keepTyping`). The redraws of the shell and of screens and tabs with fields go through here: data
 * arriving while a field is being filled in (the login screen's sign-in offer, the region tab's
 * sites) took the focus, and the keys after it went nowhere.
 */
export function drawInto(container: HTMLElement, ...children: (Node | string)[]): void {
  const giveKeyboardBack = keepTyping(container);
  container.replaceChildren(...children);
  giveKeyboardBack();
}
