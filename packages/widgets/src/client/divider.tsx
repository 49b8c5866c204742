export function Divider() {
  return <hr class="dash-divider" />;
}
