// Starts Swagger UI on the bundled spec. Served by `npm start`, the docs server forwards /try/mock/* to
// the Prism mock and /try/sandbox/* to the sandbox, so requests stay same-origin; opened from a file,
// the explorer calls the two servers directly (Prism allows that; the sandbox may refuse it).
// `?lang=zh-CN` loads the Chinese document; Swagger UI's own labels stay English.
(() => {
  const lang = new URLSearchParams(location.search).get("lang") === "zh-CN" ? "zh-CN" : "en";
  const zh = lang === "zh-CN";
  document.documentElement.lang = lang;
  const served = location.protocol === "http:" || location.protocol === "https:";
  const base = served ? new URL(".", location.href).href : null;
  const servers = served
    ? [
        {
          url: `${base}mock`,
          description: zh ? "本地模拟服务（npm start），任意令牌" : "Local Prism mock (npm start), any token",
        },
        {
          url: `${base}sandbox`,
          description: zh
            ? "本地有状态沙箱（npm start），默认种子"
            : "Local stateful sandbox (npm start), default seed",
        },
      ]
    : [
        {
          url: "http://127.0.0.1:4010",
          description: zh ? "本地模拟服务（npm run mock）" : "Local Prism mock (npm run mock), any token",
        },
        {
          url: "http://127.0.0.1:9292",
          description: zh ? "本地沙箱（npm run sandbox）" : "Local stateful sandbox (npm run sandbox)",
        },
      ];
  // spec.<lang>.js (written by the build) sets window.imsSpec: a script, not a fetch, so file:// works too.
  const script = document.createElement("script");
  script.src = `spec.${lang}.js`;
  script.onload = () => {
    const ui = SwaggerUIBundle({
      spec: { ...window.imsSpec, servers },
      dom_id: "#swagger-ui",
      deepLinking: true,
      docExpansion: "none",
      onComplete: () => ui.preauthorizeApiKey("AuthToken", "owner-token"),
    });
  };
  document.body.append(script);
})();
