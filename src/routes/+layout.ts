// The app is a client-rendered single-page app: it must start from the service worker with no server.
export const ssr = false;
export const prerender = false;
