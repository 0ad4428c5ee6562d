// Runs ssg's CloudFront Function in Node against CloudFront's event shape.
//
//   node run.js FUNCTION.js [STORE.json] < requests.json
//
// STORE.json: the KeyValueStore's entries as publish wrote them ({key:
// value}), for a function whose redirects live there.
//
// requests.json: [{"uri": "/x", "query": "a=1&a=2&b", "host": "example.org"}]
// Prints, for each request, the answer of the function and of every
// redirect it leads to on this host (followed up to 5 times):
// [{"uri": "/x", "steps": [{"status": 301, "location": "/x/?a=1&a=2&b"},
//                          {"uri": "/x/index.html", "query": "a=1&a=2&b"}]}]
// A step that is a request passed on has `uri` (and `query`); a 301 or
// a 404 has `status` (and `location`). `robots` is the X-Robots-Tag the
// function puts on a response to the host (on viewer responses), or null.
'use strict';
const fs = require('fs');

// The one stand-in: CloudFront's runtime gives the function a module
// `cloudfront` whose `kvs()` reads the associated KeyValueStore, and Node
// has no such module. Here `kvs()` reads the entries publish wrote to the
// store (the relay's copy), and a get of a missing key throws as
// CloudFront's does; without a store, `kvs()` itself throws, so a function
// with its map embedded that reached for the store would fail.
const IMPORT = "import cf from 'cloudfront';";
const storePath = process.argv[3];
const store = storePath ? JSON.parse(fs.readFileSync(storePath, 'utf8')) : null;
const cloudfront = {
    kvs() {
        if (store === null) {
            throw new Error('no KeyValueStore is associated with this function');
        }
        return {
            async get(key) {
                if (!Object.prototype.hasOwnProperty.call(store, key)) {
                    throw new Error('key not found: ' + key);
                }
                return store[key];
            },
        };
    },
};
const code = fs.readFileSync(process.argv[2], 'utf8');
if (!code.includes(IMPORT)) {
    throw new Error('the function does not import cloudfront as CloudFront documents it');
}
const handler = new Function('cf', code.replace(IMPORT, '') + '\nreturn handler;')(cloudfront);
const requests = JSON.parse(fs.readFileSync(0, 'utf8'));

// CloudFront's form of a query string: each name once, with its first
// value, and all of them in `multiValue` when it is repeated.
function querystringObject(text) {
    const object = {};
    if (!text) {
        return object;
    }
    for (const part of text.split('&')) {
        const eq = part.indexOf('=');
        const name = eq === -1 ? part : part.slice(0, eq);
        const value = eq === -1 ? '' : part.slice(eq + 1);
        if (object[name] === undefined) {
            object[name] = { value: value };
        } else {
            if (!object[name].multiValue) {
                object[name].multiValue = [{ value: object[name].value }];
            }
            object[name].multiValue.push({ value: value });
        }
    }
    return object;
}

function querystringText(object) {
    if (typeof object === 'string') {
        return object;
    }
    const parts = [];
    for (const name of Object.keys(object)) {
        const values = object[name].multiValue || [object[name]];
        for (const v of values) {
            parts.push(v.value === '' ? name : name + '=' + v.value);
        }
    }
    return parts.join('&');
}

function event(uri, query, host) {
    return {
        version: '1.0',
        context: { eventType: 'viewer-request', distributionId: 'EDFDVBD6EXAMPLE' },
        viewer: { ip: '198.51.100.7' },
        request: {
            method: 'GET',
            uri: uri,
            querystring: querystringObject(query),
            headers: { host: { value: host } },
            cookies: {},
        },
    };
}

async function step(uri, query, host) {
    const answer = await handler(event(uri, query, host));
    if (answer.statusCode !== undefined) {
        const location = answer.headers && answer.headers.location;
        return { status: answer.statusCode, location: location ? location.value : null };
    }
    return { uri: answer.uri, query: querystringText(answer.querystring) };
}

// The viewer-response event of a 200 for `uri` on `host`.
async function robots(uri, host) {
    const answer = event(uri, '', host);
    answer.context.eventType = 'viewer-response';
    answer.response = { statusCode: 200, statusDescription: 'OK', headers: {}, cookies: {} };
    const header = (await handler(answer)).headers['x-robots-tag'];
    return header ? header.value : null;
}

async function follow(request) {
    const host = request.host || 'example.org';
    const steps = [await step(request.uri, request.query || '', host)];
    while (steps.length <= 5) {
        const last = steps[steps.length - 1];
        if (last.status === undefined || last.location === null) {
            break;
        }
        const url = new URL(last.location, 'https://' + host);
        if (url.host !== host) {
            break;
        }
        steps.push(await step(url.pathname, url.search.slice(1), host));
    }
    return {
        uri: request.uri,
        query: request.query || '',
        steps: steps,
        robots: await robots(request.uri, host),
    };
}

(async () => {
    const results = [];
    for (const request of requests) {
        results.push(await follow(request));
    }
    process.stdout.write(JSON.stringify(results));
})().catch((e) => {
    process.stderr.write(String(e.stack || e));
    process.exit(1);
});
