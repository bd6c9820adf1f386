// The one Jest resolver of the repository, set for every package by the
// "jest" field of the root package.json (Backstage's Jest config forwards
// it to each workspace package; `<rootDir>` is the package's src folder,
// two levels below the root for packages/* and plugins/*).
//
// kubernetes-models (the sandbox's schema validation, so every package whose
// tests start a kube-sandbox) and its helper packages are ESM-only and
// publish just an "import" export condition, which Jest's CommonJS runtime
// does not request. Resolve those with the "import" condition; Backstage's
// SWC transform then compiles them to CommonJS. Everything else resolves as
// usual.
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/|is-cidr|cidr-regex)/;

module.exports = (request, options) =>
  options.defaultResolver(
    request,
    ESM_ONLY.test(request)
      ? { ...options, conditions: ['import', 'default'] }
      : options,
  );
