import { createHash } from "node:crypto";
import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { downloadButtonWidget } from "./widget.ts";

export interface DownloadButtonOptions extends Omit<WidgetOptions<boolean>, "onChange" | "query"> {
  /** Name of the saved file (default `"download"`). */
  fileName?: string;
  /** MIME type (default `text/plain` for text, else `application/octet-stream`). */
  mime?: string;
  onClick?: () => void;
}

/**
 * A button that saves `data` as a file. Returns `true` on the run caused by its click.
 * The data travels once (by content hash) and the browser saves it without another round trip.
 * @example dash.downloadButton("Download CSV", csvText, { fileName: "zips.csv", mime: "text/csv" });
 */
export function downloadButton(this: unknown, label: string, data: string | Uint8Array, options: DownloadButtonOptions = {}): boolean {
  const scope = scopeOf(this);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const hash = createHash("sha1").update(bytes).digest("hex");
  const onClick = options.onClick;
  return downloadButtonWidget.render(scope, {
    label,
    key: options.key,
    props: {
      ...commonProps(options),
      data: scope.data(hash, bytes),
      fileName: options.fileName ?? "download",
      mime: options.mime ?? (typeof data === "string" ? "text/plain" : "application/octet-stream"),
      size: bytes.length,
    },
    initial: false,
    onChange: onClick ? () => onClick() : undefined,
  });
}
