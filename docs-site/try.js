// Starts Swagger UI on the bundled spec. Served by `npm start`, the docs server forwards /try/mock/* to
// the Prism mock and /try/sandbox/* to the sandbox, so requests stay same-origin; opened from a file,
// the explorer calls the two servers directly (Prism allows that; the sandbox may refuse it).
(() => {
  const served = location.protocol === "http:" || location.protocol === "https:";
  const base = served ? new URL(".", location.href).href : null;
  const servers = served
    ? [
        { url: `${base}mock`, description: "Local Prism mock (npm start), any token" },
        { url: `${base}sandbox`, description: "Local stateful sandbox (npm start), default seed" },
      ]
    : [
        { url: "http://127.0.0.1:4010", description: "Local Prism mock (npm run mock), any token" },
        { url: "http://127.0.0.1:9292", description: "Local stateful sandbox (npm run sandbox)" },
      ];
  // spec.js (written by the build) sets window.imsSpec: a script, not a fetch, so file:// works too.
  const spec = { ...window.imsSpec, servers };
  const ui = SwaggerUIBundle({
    spec,
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "none",
    onComplete: () => ui.preauthorizeApiKey("AuthToken", "owner-token"),
  });
})();
