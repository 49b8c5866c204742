/** The browser entry: the runtime's client with every widget's renderer. */
import { mount } from "@dash/runtime/client/app.tsx";
import { loadMarkdown, renderers } from "@dash/widgets/client";

// The markdown renderer (captions, markdown, alerts) loads while the server runs the script for
// the page just asked for (its ~60 ms of setup would otherwise come before the page says hello).
mount(renderers, { afterHello: () => void loadMarkdown() });
