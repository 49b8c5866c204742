import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useState } from "preact/hooks";

export function Code({ node }: RendererProps) {
  const [copied, setCopied] = useState(false);
  const source = String(node.props.source);
  const language = String(node.props.language ?? "");
  const lines = node.props.lineNumbers ? source.split("\n") : null;
  return (
    <figure class="dash-code">
      <figcaption>
        <span>{language}</span>
        <button
          type="button"
          class="dash-link"
          onClick={() => {
            void navigator.clipboard?.writeText(source);
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </figcaption>
      <pre>
        <code class={language ? `language-${language}` : undefined}>
          {lines
            ? lines.map((line, i) => (
                <span class="dash-code-line">
                  <span class="dash-code-no" aria-hidden="true">
                    {i + 1}
                  </span>
                  {line}
                  {"\n"}
                </span>
              ))
            : source}
        </code>
      </pre>
    </figure>
  );
}
