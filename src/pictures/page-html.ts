/**
 * The page's HTML shell; the script fills it in. Everything it loads comes from the same origin.
 * The grid's summary is preloaded: its request runs while the script is fetched and compiled.
 * @module
 */

/** The HTML of `/`. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>perfSONAR mesh</title>
<link rel="stylesheet" href="pictures/app.css">
<link rel="preload" href="pictures/mesh.json" as="fetch" crossorigin>
</head>
<body>
<header>
  <h1>perfSONAR mesh</h1>
  <span id="archive"></span>
  <details id="settings"><summary>Thresholds</summary><form id="thresholds"></form></details>
</header>
<div id="status" role="status"></div>
<main>
  <section id="grid-section"><div id="grid"></div><p id="legend"></p></section>
  <section id="pair" hidden></section>
</main>
<script src="pictures/app.js"></script>
</body>
</html>
`;
