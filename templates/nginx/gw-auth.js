// gw-auth.js: shipped with gw (templates/nginx/gw-auth.js) and copied as it is by `gw build`; do not edit
// the copy. Its configuration is gw-auth-config.js beside it, which `gw build` renders from gw.yaml.
//
// Authentication for the NGINX target (docs/targets/nginx.md, "Authentication"). gw.conf runs
// check() as an auth_request subrequest on every route that needs credentials; it reads the
// route's policy from $gw_auth, checks each scheme the policy names, combines them as the spec
// says (OR of requirements, AND inside one, scopes) and answers 204 (consumer in $gw_consumer),
// 401 or 403 (challenge in $gw_challenge, detail in $gw_auth_detail).
//
// No secret is in either file: htpasswd files, HS256 secrets and JWKS files are read when a
// request needs them, from the environment variables (declared with `env` in nginx.conf) and
// files gw.yaml names. Relative files are resolved against $GW_BASE_DIR, else nginx.conf's folder.
// API keys are looked up by digest in the maps gw.conf includes from keys/ (`gw keys` writes them).
// Written for njs 0.7.9 (nginx.org/en/docs/njs/reference.html, Debian's libnginx-mod-http-js): no
// destructuring, spread, for-of, optional chaining or `??`. test/unit/targets/nginx/gw-auth-js.test.ts
// runs it under Node's vm with a stand-in for what njs provides.

import CONFIG from 'gw-auth-config.js';

var fs = require('fs');
var cr = require('crypto');

var ABSENT = { ok: false, presented: false };
var INVALID = { ok: false, presented: true };

function baseDir() {
    var b = process.env.GW_BASE_DIR;
    if (b) return b.charAt(b.length - 1) === '/' ? b : b + '/';
    return ngx.conf_prefix;
}

/** A secret's text (a file's final newline dropped), or null with a log line naming where it was looked for. */
function readSecret(scheme, source, what) {
    if (source.env !== undefined) {
        var v = process.env[source.env];
        if (v === undefined || v === '') {
            ngx.log(ngx.ERR, 'gw: "' + scheme.id + '": the environment variable ' + source.env + ' that holds the ' +
                what + ' is not set (declare it with `env ' + source.env + ';` in nginx.conf)');
            return null;
        }
        return v;
    }
    var path = source.file.charAt(0) === '/' ? source.file : baseDir() + source.file;
    try {
        return fs.readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
        ngx.log(ngx.ERR, 'gw: "' + scheme.id + '": cannot read the ' + what + ' file ' + path +
            ' (relative files resolve against GW_BASE_DIR, else nginx.conf\'s folder)');
        return null;
    }
}

// ---- constant-time comparison ---------------------------------------------------------------

var macKey = null;
function mac(text) {
    if (macKey === null) macKey = Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
    return cr.createHmac('sha256', macKey).update(text).digest();
}

/** Equal buffers, in time that depends only on their lengths. */
function sameBytes(a, b) {
    if (a.length !== b.length) return false;
    var d = 0;
    for (var i = 0; i < a.length; i++) d |= a[i] ^ b[i];
    return d === 0;
}

/** Equal texts, compared as HMACs under a random key: the timing says nothing about either. */
function sameText(a, b) {
    return sameBytes(mac(a), mac(b));
}

function consumerName(name) {
    return /^[\x20-\x7e]*$/.test(name) ? name : encodeURIComponent(name);
}

// ---- reading credentials --------------------------------------------------------------------

/** The values of a request's header (lower-case name), from the raw list so a repeated one is seen. */
function headerValues(r, name) {
    var out = [];
    var raw = r.rawHeadersIn;
    for (var i = 0; i < raw.length; i++) if (raw[i][0].toLowerCase() === name) out.push(raw[i][1]);
    return out;
}

function formDecode(text) {
    if (text.indexOf('%') === -1 && text.indexOf('+') === -1) return text;
    try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch (e) {
        return null;
    }
}

/** undefined: not sent; null: sent twice or undecodable (refused); else the value. */
function readPairs(text, separator, wanted, form) {
    var value;
    var parts = text.split(separator);
    for (var i = 0; i < parts.length; i++) {
        var part = parts[i];
        var eq = part.indexOf('=');
        var rawName = (eq === -1 ? part : part.slice(0, eq)).trim();
        var name = form ? formDecode(rawName) : rawName;
        if (name !== wanted) continue;
        var v = eq === -1 ? '' : part.slice(eq + 1).trim();
        if (form) v = formDecode(v);
        else if (v.length >= 2 && v.charAt(0) === '"' && v.charAt(v.length - 1) === '"') v = v.slice(1, -1);
        value = value === undefined ? v : null;
    }
    return value;
}

function readSlot(r, slot) {
    if (slot.in === 'header') {
        var values = headerValues(r, slot.name.toLowerCase());
        return values.length === 0 ? undefined : values.length === 1 ? values[0] : null;
    }
    if (slot.in === 'query') {
        var args = r.variables.gw_args;
        return args ? readPairs(args, '&', slot.name, true) : undefined;
    }
    var cookies = headerValues(r, 'cookie');
    return cookies.length ? readPairs(cookies.join('; '), ';', slot.name, false) : undefined;
}

// ---- API keys -------------------------------------------------------------------------------

/**
 * The key is looked up, never compared: its digest (the first 128 bits of its SHA-256, in hex, as
 * `gw keys` writes them) goes into the scheme's js_var, and the map gw.conf declares over the
 * scheme's key map gives "=" and the consumer (URI-encoded, nothing for a bare key), or "".
 * One hash and one hash-table lookup a request, whatever the number of keys; the time taken depends
 * on the digest, which says nothing about the keys.
 */
function checkKey(r, scheme, value) {
    if (value === undefined) return ABSENT;
    if (value === null || value === '') return INVALID;
    r.variables[scheme.keyMap.hash] = cr.createHash('sha256').update(value).digest('hex').slice(0, 32);
    var found = r.variables[scheme.keyMap.consumer];
    if (!found || found.charAt(0) !== '=') return INVALID;
    var consumer = found.slice(1);
    return { ok: true, consumer: consumer === '' ? null : decodeURIComponent(consumer), scopes: null };
}

// ---- HTTP basic -----------------------------------------------------------------------------

/**
 * `text.split(separator)` without njs 0.7's cost of copying the rest of the text at every piece
 * (with a regex separator, a file of 1,000 lines took 1.3 s a request and 0.7 GB; this takes 20 ms).
 * Pieces keep a trailing \r, which every caller trims.
 */
function splitPlain(text, separator) {
    var out = [];
    var start = 0;
    for (;;) {
        var end = text.indexOf(separator, start);
        if (end === -1) {
            out.push(text.slice(start));
            return out;
        }
        out.push(text.slice(start, end));
        start = end + 1;
    }
}

var ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function md5() {
    var h = cr.createHash('md5');
    for (var i = 0; i < arguments.length; i++) h.update(arguments[i]);
    return h.digest();
}

function to64(v, n) {
    var out = '';
    for (; n > 0; n--, v >>= 6) out += ITOA64.charAt(v & 0x3f);
    return out;
}

/** Apache's $apr1$ (MD5-crypt with the apr1 magic), as htpasswd -m writes it. */
function apr1(password, salt) {
    var pw = Buffer.from(password);
    var s = Buffer.from(salt);
    var magic = Buffer.from('$apr1$');
    var alt = md5(pw, s, pw);
    var h = cr.createHash('md5').update(pw).update(magic).update(s);
    for (var left = pw.length; left > 0; left -= 16) h.update(alt.slice(0, Math.min(left, 16)));
    for (var i = pw.length; i > 0; i >>= 1) h.update((i & 1) ? Buffer.from([0]) : pw.slice(0, 1));
    var f = h.digest();
    for (var round = 0; round < 1000; round++) {
        var m = cr.createHash('md5');
        m.update((round & 1) ? pw : f);
        if (round % 3) m.update(s);
        if (round % 7) m.update(pw);
        m.update((round & 1) ? f : pw);
        f = m.digest();
    }
    return '$apr1$' + salt + '$' +
        to64((f[0] << 16) | (f[6] << 8) | f[12], 4) + to64((f[1] << 16) | (f[7] << 8) | f[13], 4) +
        to64((f[2] << 16) | (f[8] << 8) | f[14], 4) + to64((f[3] << 16) | (f[9] << 8) | f[15], 4) +
        to64((f[4] << 16) | (f[10] << 8) | f[5], 4) + to64(f[11], 2);
}

function checkBasic(scheme, value) {
    if (value === undefined) return ABSENT;
    if (value === null) return INVALID;
    var m = /^basic[ \t]+/i.exec(value);
    if (!m) return ABSENT;
    var encoded = value.slice(m[0].length).trim();
    if (!/^[A-Za-z0-9+\/]*={0,2}$/.test(encoded)) return INVALID;
    var decoded = Buffer.from(encoded, 'base64').toString();
    var colon = decoded.indexOf(':');
    if (colon <= 0) return INVALID;
    var user = decoded.slice(0, colon);
    var password = decoded.slice(colon + 1);
    var text = readSecret(scheme, scheme.source, 'htpasswd');
    if (text === null) return INVALID;
    var lines = splitPlain(text, '\n');
    for (var i = 0; i < lines.length; i++) {
        var line = lines[i].trim();
        var c = line.indexOf(':');
        if (line === '' || line.charAt(0) === '#' || c <= 0 || line.slice(0, c) !== user) continue;
        var hash = line.slice(c + 1).split(':')[0];
        var ok = false;
        if (/^\{SHA\}/.test(hash))
            ok = sameText('{SHA}' + cr.createHash('sha1').update(password).digest('base64'), hash);
        else if (/^\$apr1\$[.\/A-Za-z0-9]{1,8}\$/.test(hash))
            ok = sameText(apr1(password, hash.slice(6, hash.lastIndexOf('$'))), hash);
        // bcrypt and other hashes cannot be checked here (docs/targets/nginx.md): refused.
        return ok ? { ok: true, consumer: consumerName(user), scopes: null } : INVALID;
    }
    return INVALID;
}

// ---- JWT ------------------------------------------------------------------------------------

function b64url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
    return Buffer.from(text, 'base64url');
}

function derLength(n) {
    if (n < 0x80) return Buffer.from([n]);
    if (n < 0x100) return Buffer.from([0x81, n]);
    return Buffer.from([0x82, n >> 8, n & 0xff]);
}

function der(tag, body) {
    return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

function derInteger(bytes) {
    var i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    bytes = bytes.slice(i);
    return der(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

var RSA_ALGORITHM_ID = Buffer.from('300d06092a864886f70d0101010500', 'hex');
var P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

/** A JWK's SubjectPublicKeyInfo (njs 0.7.9 imports keys as spki, not jwk). */
function spkiOf(jwk) {
    if (jwk.kty === 'RSA') {
        var rsa = der(0x30, Buffer.concat([derInteger(b64url(jwk.n)), derInteger(b64url(jwk.e))]));
        return der(0x30, Buffer.concat([RSA_ALGORITHM_ID, der(0x03, Buffer.concat([Buffer.from([0]), rsa]))]));
    }
    var x = b64url(jwk.x);
    var y = b64url(jwk.y);
    if (x.length !== 32 || y.length !== 32) throw new Error('bad P-256 point');
    return Buffer.concat([P256_SPKI_PREFIX, Buffer.from([4]), x, y]);
}

function scopesOf(payload) {
    var out = {};
    function add(v) {
        var items = typeof v === 'string' ? v.split(/\s+/) : Array.isArray(v) ? v : [];
        for (var i = 0; i < items.length; i++)
            if (typeof items[i] === 'string' && items[i] !== '') out[items[i]] = true;
    }
    add(payload.scope);
    add(payload.scp);
    return out;
}

async function verifySignature(scheme, header, signed, signature) {
    var j = scheme.jwt;
    if (j.algorithms.indexOf(header.alg) === -1) return false;
    if (header.alg === 'HS256') {
        // HS256 only ever uses the shared secret, never a JWKS key: no algorithm confusion.
        if (!j.secret) return false;
        var secret = readSecret(scheme, j.secret, 'JWT secret');
        if (secret === null) return false;
        return sameBytes(cr.createHmac('sha256', secret).update(signed).digest(), signature);
    }
    if (!j.jwks) return false;
    var text = readSecret(scheme, { file: j.jwks }, 'JWKS');
    if (text === null) return false;
    var keys = JSON.parse(text).keys || [];
    var kty = header.alg === 'RS256' ? 'RSA' : 'EC';
    for (var i = 0; i < keys.length; i++) {
        var k = keys[i];
        if (!k || k.kty !== kty || (kty === 'EC' && k.crv !== 'P-256')) continue;
        if (k.alg !== undefined && k.alg !== header.alg) continue;
        if (header.kid !== undefined && k.kid !== header.kid) continue;
        if (k.d !== undefined) continue;
        var algorithm = kty === 'RSA'
            ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
            : { name: 'ECDSA', namedCurve: 'P-256' };
        var key = await crypto.subtle.importKey('spki', spkiOf(k), algorithm, false, ['verify']);
        var check = kty === 'RSA' ? algorithm : { name: 'ECDSA', hash: 'SHA-256' };
        if (await crypto.subtle.verify(check, key, signature, signed)) return true;
    }
    return false;
}

async function checkJwt(scheme, value) {
    if (value === undefined) return ABSENT;
    if (value === null) return INVALID;
    var m = /^bearer[ \t]+/i.exec(value);
    if (!m) return ABSENT;
    var token = value.slice(m[0].length).trim();
    var parts = token.split('.');
    if (parts.length !== 3) return INVALID;
    try {
        var header = JSON.parse(b64url(parts[0]).toString());
        var payload = JSON.parse(b64url(parts[1]).toString());
        if (!header || typeof header !== 'object') return INVALID;
        if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return INVALID;
        if (header.crit !== undefined) return INVALID;
        var signed = Buffer.from(parts[0] + '.' + parts[1]);
        if (!(await verifySignature(scheme, header, signed, b64url(parts[2])))) return INVALID;
        var j = scheme.jwt;
        var now = Date.now() / 1000;
        var skew = j.clockSkewMs / 1000;
        var exp = payload.exp;
        var nbf = payload.nbf;
        if (exp !== undefined && (typeof exp !== 'number' || exp <= now - skew)) return INVALID;
        if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + skew)) return INVALID;
        if (payload.iat !== undefined && typeof payload.iat !== 'number') return INVALID;
        if (j.issuer !== null && payload.iss !== j.issuer) return INVALID;
        if (j.audiences.length > 0) {
            var aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
            if (!aud.some(function (a) { return j.audiences.indexOf(a) !== -1; })) return INVALID;
        }
        var sub = typeof payload.sub === 'string' && payload.sub !== '' ? consumerName(payload.sub) : null;
        return { ok: true, consumer: sub, scopes: scopesOf(payload) };
    } catch (e) {
        return INVALID;
    }
}

// ---- the route's policy ---------------------------------------------------------------------

function checkScheme(r, scheme, value) {
    if (scheme.kind === 'keys') return checkKey(r, scheme, value);
    if (scheme.kind === 'basic') return checkBasic(scheme, value);
    if (scheme.kind === 'jwt') return checkJwt(scheme, value);
    return ABSENT;
}

function fail(r, status, answer) {
    r.variables.gw_challenge = answer.challenge;
    r.variables.gw_auth_detail = answer.detail;
    r.return(status);
}

/**
 * OR of requirements, AND inside one; 403 when some requirement has valid credentials without its
 * scopes (403 wins over 401).
 */
function decide(policy, results) {
    var forbidden = -1;
    var anonymous = false;
    for (var q = 0; q < policy.requirements.length; q++) {
        var req = policy.requirements[q];
        var pass = true;
        var scoped = true;
        var consumer = null;
        for (var i = 0; i < req.length; i++) {
            var res = results[req[i].scheme];
            if (!res.ok) {
                pass = false;
                break;
            }
            if (consumer === null) consumer = res.consumer;
            for (var s = 0; s < req[i].scopes.length; s++)
                if (!res.scopes || !res.scopes[req[i].scopes[s]]) scoped = false;
        }
        if (!pass) continue;
        if (scoped && consumer !== null) return { status: 204, consumer: consumer };
        if (scoped) anonymous = true;
        else if (forbidden === -1) forbidden = q;
    }
    if (anonymous) return { status: 204, consumer: null };
    if (forbidden !== -1) return { status: 403, answer: policy.forbidden[forbidden] };
    var presented = false;
    for (var k in results) {
        if (results[k].ok || !results[k].presented) continue;
        // invalidToken is null only when no scheme of the policy is a bearer scheme.
        if (CONFIG.schemes[k].bearer) return { status: 401, answer: policy.invalidToken || policy.invalid };
        presented = true;
    }
    return { status: 401, answer: presented ? policy.invalid : policy.missing };
}

async function check(r) {
    var policy = CONFIG.policies[r.variables.gw_auth];
    if (!policy) return fail(r, 401, CONFIG.unknown);
    try {
        var results = {};
        for (var q = 0; q < policy.requirements.length; q++) {
            for (var i = 0; i < policy.requirements[q].length; i++) {
                var index = policy.requirements[q][i].scheme;
                if (results[index] !== undefined) continue;
                var scheme = CONFIG.schemes[index];
                results[index] = await checkScheme(r, scheme, scheme.slot === null ? undefined : readSlot(r, scheme.slot));
            }
        }
        var outcome = decide(policy, results);
        if (outcome.status !== 204) return fail(r, outcome.status, outcome.answer);
        r.variables.gw_consumer = outcome.consumer === null ? '' : outcome.consumer;
        r.return(204);
    } catch (e) {
        ngx.log(ngx.ERR, 'gw: the credential check failed: ' + e.message);
        fail(r, 401, policy.invalid);
    }
}

// ---- what goes upstream and into the log ----------------------------------------------------

function withoutPairs(text, separator, names, form) {
    return text.split(separator).filter(function (part) {
        var eq = part.indexOf('=');
        var name = (eq === -1 ? part : part.slice(0, eq)).trim();
        if (form) name = formDecode(name);
        return names.indexOf(name) === -1;
    });
}

/** $gw_stripped_args: the query without the route's credential parameters. */
function strippedArgs(r) {
    var policy = CONFIG.policies[r.variables.gw_auth];
    var args = r.variables.gw_args || '';
    if (!policy || policy.dropQuery.length === 0 || args === '') return args;
    return withoutPairs(args, '&', policy.dropQuery, true).join('&');
}

/** $gw_cookie: the Cookie header without the route's credential cookies. */
function strippedCookie(r) {
    var cookies = headerValues(r, 'cookie').join('; ');
    var policy = CONFIG.policies[r.variables.gw_auth];
    if (!policy || policy.dropCookies.length === 0 || cookies === '') return cookies;
    return withoutPairs(cookies, ';', policy.dropCookies, false)
        .map(function (p) { return p.trim(); })
        .filter(function (p) { return p !== ''; })
        .join('; ');
}

/** $gw_log_uri: the request target with the values of credential query parameters replaced by ***. */
function logUri(r) {
    var uri = r.variables.request_uri || '';
    var q = uri.indexOf('?');
    if (q === -1) return uri;
    return uri.slice(0, q) + '?' + uri.slice(q + 1).split('&').map(function (part) {
        var eq = part.indexOf('=');
        var hidden = eq !== -1 && CONFIG.redact.indexOf(formDecode(part.slice(0, eq))) !== -1;
        return hidden ? part.slice(0, eq) + '=***' : part;
    }).join('&');
}

/**
 * $gw_limit_consumer: the key of a `consumer` rate limit. limit_req runs before the credential
 * check, so the key is the credentials sent (hashed), or the address when none are sent.
 */
function limitKey(r) {
    var policy = CONFIG.policies[r.variables.gw_auth];
    var parts = [];
    if (policy) {
        for (var i = 0; i < policy.slots.length; i++) {
            var slot = policy.slots[i];
            var v = slot.in === 'query'
                ? readPairs(r.variables.gw_args || '', '&', slot.name, true)
                : readSlot(r, slot);
            if (typeof v === 'string' && v !== '') parts.push(slot.in + ':' + slot.name + '=' + v);
        }
    }
    if (parts.length === 0) return 'ip:' + r.variables.remote_addr;
    return 'c:' + cr.createHash('sha256').update(parts.join('\n')).digest('base64');
}

export default { check, strippedArgs, strippedCookie, logUri, limitKey };
