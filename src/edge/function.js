// ssg's CloudFront Function (JavaScript runtime 2.0, viewer request),
// written by ssg from the built site; `SITE` below is that site's map.
//
// A private bucket behind CloudFront (a REST origin) finds only exact
// keys: this function gives the visitor what a web server would.
// - an alias or a [redirects] entry answers 301 to its target;
// - a page's URL without its slash answers 301 to the folder URL;
// - a folder URL is served from its index.html;
// - anything else (assets, feeds) passes through unchanged.
// Redirects keep the query string. Every Location ends at a page, an
// asset or another host, never at another redirect of this map, so no
// request loops.
//
// Previews: a request to NAME.preview.DOMAIN (`SITE.preview` is
// `preview.DOMAIN`) gets the same answers, its URI then put under
// /_previews/NAME, where `ssg publish --preview NAME` keeps its objects;
// redirects are paths, so they stay on the preview's host. The live host
// answers 404 under /_previews. The same function runs on viewer
// responses (CloudFront allows one function per event type, and the
// event says which) to mark every preview response `noindex`.
//
// A map too large to embed (CloudFront's 10 KB limit on the code) has its
// redirects in the KeyValueStore associated with the function instead:
// `SITE.store` then names that map's version, and each lookup is a get.

import cf from 'cloudfront';

var SITE = __SITE__;
var PREVIEWS = '/_previews';
var STORE = SITE.store ? cf.kvs() : null;

async function handler(event) {
    var request = event.request;
    var host = request.headers.host ? request.headers.host.value : '';
    var preview = previewOf(host);
    if (event.context.eventType === 'viewer-response') {
        return marked(event.response, preview);
    }
    if (preview === null && isUnderPreviews(request.uri)) {
        return { statusCode: 404, statusDescription: 'Not Found' };
    }
    var answer = await served(request, host, preview === null);
    if (preview !== null && answer.statusCode === undefined) {
        answer.uri = PREVIEWS + '/' + preview + answer.uri;
    }
    return answer;
}

// The live site's answer to `request`: a 301, or the request to pass on.
async function served(request, host, live) {
    var uri = request.uri;
    if (live && SITE.apex && host === 'www.' + SITE.apex) {
        return moved('https://' + SITE.apex + uri, request.querystring);
    }
    var target = await redirectOf(decoded(uri));
    if (target !== null) {
        return moved(target, request.querystring);
    }
    if (uri.charAt(uri.length - 1) === '/') {
        request.uri = uri + 'index.html';
        return request;
    }
    if (isPage(uri)) {
        return moved(uri + '/', request.querystring);
    }
    return request;
}

// The preview `host` names (`NAME.preview.DOMAIN`), or null.
function previewOf(host) {
    if (!SITE.preview) {
        return null;
    }
    var suffix = '.' + SITE.preview;
    var lower = host.toLowerCase();
    if (lower.length <= suffix.length || lower.slice(-suffix.length) !== suffix) {
        return null;
    }
    var name = lower.slice(0, -suffix.length);
    return /^[a-z0-9-]+$/.test(name) ? name : null;
}

function isUnderPreviews(uri) {
    var path = decoded(uri);
    return path === PREVIEWS || path.slice(0, PREVIEWS.length + 1) === PREVIEWS + '/';
}

// A preview's response, kept out of search engines.
function marked(response, preview) {
    if (preview !== null) {
        response.headers['x-robots-tag'] = { value: 'noindex' };
    }
    return response;
}

// The target of the redirect at `uri`, also asked without its slash or
// as its index.html; null when there is none.
async function redirectOf(uri) {
    if (uri.slice(-11) === '/index.html') {
        return redirectAt(uri.slice(0, -10));
    }
    if (uri.charAt(uri.length - 1) !== '/') {
        var folder = await redirectAt(uri + '/');
        if (folder !== null) {
            return folder;
        }
    }
    return redirectAt(uri);
}

// The redirect stored at `key`, or null. The store's get throws for a key
// it does not hold.
async function redirectAt(key) {
    if (STORE === null) {
        return has(SITE.redirects, key) ? SITE.redirects[key] : null;
    }
    try {
        return await STORE.get(key);
    } catch (e) {
        return null;
    }
}

// Whether a slashless `uri` names a page's folder: its last segment has
// no dot (or is a page whose name has one), and it is not a file of the
// site that has no extension.
function isPage(uri) {
    if (has(SITE.files, uri)) {
        return false;
    }
    var last = uri.slice(uri.lastIndexOf('/') + 1);
    return last.indexOf('.') === -1 || has(SITE.dotted_pages, uri);
}

// The map holds paths as written (`/café/`); a browser asks for
// `/caf%C3%A9/`.
function decoded(uri) {
    try {
        return decodeURIComponent(uri);
    } catch (e) {
        return uri;
    }
}

function has(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key);
}

// A 301 to `target` with the request's query string after its own.
function moved(target, querystring) {
    var query = queryText(querystring);
    var location = target;
    if (query !== '') {
        var hash = target.indexOf('#');
        var base = hash === -1 ? target : target.slice(0, hash);
        var fragment = hash === -1 ? '' : target.slice(hash);
        location = base + (base.indexOf('?') === -1 ? '?' : '&') + query + fragment;
    }
    return {
        statusCode: 301,
        statusDescription: 'Moved Permanently',
        headers: { location: { value: location } }
    };
}

// CloudFront hands the query string over as an object of names, each with
// its value and, when repeated, all of them in `multiValue`.
function queryText(querystring) {
    var parts = [];
    for (var name in querystring) {
        var entry = querystring[name];
        var values = entry.multiValue ? entry.multiValue : [entry];
        for (var i = 0; i < values.length; i++) {
            var value = values[i].value;
            parts.push(value === '' ? name : name + '=' + value);
        }
    }
    return parts.join('&');
}
