// Lets VS Code releases older than 2023.11 find anywidget's front-end on disk, offline.
// Those releases read the module map of every nbextensions/*/extension.js, but only
// in the classic spelling used below; anywidget's own entry point spells it in a way
// they do not recognise. The map is anywidget's own: its module name to its index.
// Jupyter Notebook 6 runs this file only where it is enabled, to the same effect.
define(function () {
  "use strict";
  window.require.config({
    map: {
      "*": {
        anywidget: "nbextensions/anywidget/index",
      },
    },
  });
  return {
    load_ipython_extension: function () {},
  };
});
