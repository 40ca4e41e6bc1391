// The runtime's files: listed by the build in assets/manifest.json, named by their content's hash,
// stored gzip-compressed (so they travel small whether or not the host compresses them), kept in the
// browser's Cache API after the first download, and decompressed here with DecompressionStream.
//
// A new build names changed files differently, so a cached file is never stale; files the current
// manifest no longer lists are deleted from the cache once the runtime has started.

const CACHE = "autograd-runtime";
const MANIFEST = "manifest.json";

// The Cache API exists only in secure contexts (https, localhost); elsewhere files are just fetched.
function openCache() {
  if (typeof caches === "undefined") return Promise.resolve(null);
  return caches.open(CACHE).catch(() => null);
}

export class Assets {
  constructor(base) {
    this.base = new URL(base); // the folder with manifest.json and the files it lists
    this.cache = openCache();
    this.manifest = null;
    this.loading = new Map(); // name -> Promise<Uint8Array>, so no file is downloaded twice
  }

  // The manifest is small and names everything else: always asked for afresh, from the cache offline.
  readManifest() {
    if (this.manifest) return Promise.resolve(this.manifest);
    this.reading ??= this.#fetchManifest().finally(() => { this.reading = null; });
    return this.reading; // one request, however many ask at once
  }

  async #fetchManifest() {
    const url = new URL(MANIFEST, this.base);
    const cache = await this.cache;
    let response;
    try {
      response = await fetch(url, { cache: "no-cache" });
      if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
      if (cache) cache.put(url, response.clone()).catch(() => {}); // kept for offline; the start does not wait
    } catch (error) {
      response = cache && (await cache.match(url));
      if (!response) throw error;
    }
    this.manifest = await response.json();
    return this.manifest;
  }

  // Compressed bytes of the files in `names`, for progress reports: { total, cached: Set of cached names }.
  async sizes(names) {
    const { files } = await this.readManifest();
    const cache = await this.cache;
    const found = await Promise.all(names.map((name) => cache && cache.match(new URL(files[name].url, this.base))));
    const total = names.reduce((sum, name) => sum + files[name].bytes, 0);
    return { total, cached: new Set(names.filter((_, i) => found[i])) };
  }

  // The decompressed content of one file. `onBytes(n)` is told of every n compressed bytes received.
  bytes(name, onBytes = () => {}) {
    if (!this.loading.has(name)) {
      const promise = this.#load(name, onBytes);
      promise.catch(() => this.loading.delete(name)); // a failed download may be tried again
      this.loading.set(name, promise);
    }
    return this.loading.get(name);
  }

  async text(name, onBytes) {
    return new TextDecoder().decode(await this.bytes(name, onBytes));
  }

  // An ES module from the manifest, imported from memory (its compressed file is not importable as is).
  async importModule(name, onBytes) {
    const source = await this.text(name, onBytes);
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    try {
      return await import(url);
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  // One file as a stream of its decompressed bytes while it arrives, for a consumer that works as the
  // bytes come (WebAssembly.instantiateStreaming compiles the wasm during its download). Resolves, once
  // the response has begun, to { body, complete }: `complete` settles when every byte has arrived (and
  // the compressed file is then cached). Each call reads the file anew: call it once per file.
  async open(name, onBytes = () => {}) {
    const { entry, url, cache } = await this.#locate(name);
    const cached = cache && (await cache.match(url));
    let body, complete;
    if (cached) {
      onBytes(entry.bytes);
      body = cached.body;
      complete = Promise.resolve();
    } else {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
      let kept;
      [body, kept] = counted(response.body, onBytes).tee();
      // The second branch is read whole, then cached from memory (see #load).
      complete = new Response(kept).arrayBuffer().then((packed) => {
        if (cache) cache.put(url, new Response(packed)).catch(() => {});
      });
    }
    return { body: entry.gzip ? body.pipeThrough(new DecompressionStream("gzip")) : body, complete };
  }

  // A file's manifest entry, its address, and the cache (null where the browser has none).
  async #locate(name) {
    const { files } = await this.readManifest();
    const entry = files[name];
    if (!entry) throw new Error(`the runtime has no file ${name}`);
    return { entry, url: new URL(entry.url, this.base), cache: await this.cache };
  }

  async #load(name, onBytes) {
    const { entry, url, cache } = await this.#locate(name);
    let packed = cache && (await cache.match(url));
    if (packed) {
      onBytes(entry.bytes);
    } else {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
      // Read whole, then cached from memory: a streamed cache write would stall while Python boots on this thread.
      packed = new Response(await new Response(counted(response.body, onBytes)).arrayBuffer());
      if (cache) cache.put(url, packed.clone()).catch(() => {}); // a full disk only costs the next visit
    }
    const body = entry.gzip ? packed.body.pipeThrough(new DecompressionStream("gzip")) : packed.body;
    return new Uint8Array(await new Response(body).arrayBuffer());
  }

  // Where this browser keeps its own memory snapshot of Python started from the files `names`:
  // a name made of their content-named URLs, so a new build never restores an old interpreter.
  async snapshotURL(names) {
    const { files } = await this.readManifest();
    const text = new TextEncoder().encode(names.map((name) => files[name].url).join("\n"));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", text));
    const hex = [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
    return new URL(`local-snapshot.${hex}.bin`, this.base);
  }

  // The response kept under `url` by this browser (not downloaded), or null; its body is not read yet.
  async kept(url) {
    const cache = await this.cache;
    return (cache && (await cache.match(url))) ?? null;
  }

  async keep(url, bytes) {
    const cache = await this.cache;
    if (cache) await cache.put(url, new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } }));
  }

  async forget(url) {
    const cache = await this.cache;
    if (cache) await cache.delete(url);
  }

  // Drop cached files of earlier builds (called once the runtime is up, so nothing in use goes).
  async prune(alsoKeep = []) {
    const cache = await this.cache;
    if (!cache) return;
    const { files } = await this.readManifest();
    const keep = new Set([...Object.values(files).map((f) => new URL(f.url, this.base).href),
      new URL(MANIFEST, this.base).href, ...alsoKeep.map(String)]);
    for (const request of await cache.keys()) {
      if (request.url.startsWith(this.base.href) && !keep.has(request.url)) await cache.delete(request);
    }
  }
}

// The runtime's files as this page (or worker) sees them: one Assets, so the manifest is read once.
let shared = null;
export function siteAssets() {
  shared ??= new Assets(new URL("assets/", import.meta.url));
  return shared;
}

function counted(stream, onBytes) {
  const reader = stream.getReader();
  return new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      onBytes(value.byteLength);
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
