export interface FuzzStats {
  sent: number;
  byKind: Record<string, number>;
  closes: Record<string, number>;
  connections: number;
  warnings: number;
}
export function fuzz(options: { url: string; count: number; sockets?: number; perSecond?: number; seed?: number; deadline?: number }): Promise<FuzzStats>;
export interface HelloViewer {
  confirmed(): number;
  open(): boolean;
  click(timeout?: number): Promise<number>;
  close(): void;
}
export function helloViewer(url: string): Promise<HelloViewer>;
