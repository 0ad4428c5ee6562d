// Runs ssg's CloudFront Function in Node against CloudFront's event shape.
//
//   node run.js FUNCTION.js < requests.json
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

const code = fs.readFileSync(process.argv[2], 'utf8');
const handler = new Function(code + '\nreturn handler;')();
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

function step(uri, query, host) {
    const answer = handler(event(uri, query, host));
    if (answer.statusCode !== undefined) {
        const location = answer.headers && answer.headers.location;
        return { status: answer.statusCode, location: location ? location.value : null };
    }
    return { uri: answer.uri, query: querystringText(answer.querystring) };
}

// The viewer-response event of a 200 for `uri` on `host`.
function robots(uri, host) {
    const answer = event(uri, '', host);
    answer.context.eventType = 'viewer-response';
    answer.response = { statusCode: 200, statusDescription: 'OK', headers: {}, cookies: {} };
    const header = handler(answer).headers['x-robots-tag'];
    return header ? header.value : null;
}

const results = requests.map((request) => {
    const host = request.host || 'example.org';
    const steps = [step(request.uri, request.query || '', host)];
    while (steps.length <= 5) {
        const last = steps[steps.length - 1];
        if (last.status === undefined || last.location === null) {
            break;
        }
        const url = new URL(last.location, 'https://' + host);
        if (url.host !== host) {
            break;
        }
        steps.push(step(url.pathname, url.search.slice(1), host));
    }
    return { uri: request.uri, query: request.query || '', steps: steps, robots: robots(request.uri, host) };
});
process.stdout.write(JSON.stringify(results));
