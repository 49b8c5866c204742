/** The browser entry: the runtime's client with every widget's renderer. */
import { mount } from "@dash/runtime/client/app.tsx";
import { renderers } from "@dash/widgets/client";

mount(renderers);
