// kubernetes-models and its helper packages are ESM-only and publish just an
// "import" export condition, which Jest's CommonJS runtime does not request.
// Resolve those with the "import" condition; Backstage's SWC transform then
// compiles them to CommonJS. Everything else resolves as usual.
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/|is-cidr|cidr-regex)/;

module.exports = (request, options) =>
  options.defaultResolver(
    request,
    ESM_ONLY.test(request)
      ? { ...options, conditions: ['import', 'default'] }
      : options,
  );
