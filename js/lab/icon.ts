import { LabIcon } from "@jupyterlab/ui-components";

/** The panel's tab icon: a list with a running mark, in the theme's icon colour. */
export const sutroIcon = new LabIcon({
  name: "sutro-widget:jobs",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161">' +
    '<path d="M3 5h12v2H3zm0 6h12v2H3zm0 6h8v2H3z"/>' +
    '<path d="M17 9l5 3-5 3z"/></g></svg>',
});
