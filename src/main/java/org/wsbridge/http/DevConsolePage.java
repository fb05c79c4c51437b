package org.wsbridge.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.wsbridge.request.HtmlText;

/**
 * The {@code --devconsole} page: one self-contained HTML document (inline CSS and JS, no external assets) to
 * connect to a WebSocket endpoint, send messages and watch what comes back.
 *
 * <p>The only request-dependent text is the WebSocket URL, and it is placed HTML-escaped in the {@code value}
 * attribute of {@code #url} only; the script reads it from there, so it never appears inside script text. As a
 * second line of defence the page is served with a Content-Security-Policy that allows exactly this page's script
 * and style (by hash) and WebSocket connections, so injected markup could not run anyway.
 *
 * <p>Stable element ids for browser tests: {@code #url}, {@code #connect}, {@code #disconnect}, {@code #state},
 * {@code #log}, {@code #send-input}, {@code #send}, {@code #clear}. Each log row has class {@code row} plus
 * {@code msg-in} (received), {@code msg-out} (sent), {@code ev-open}, {@code ev-close} or {@code ev-error}.
 *
 * <p>An endpoint that takes binary messages only (a relay, {@code --binary}) would drop or refuse typed text, so
 * its page ({@code data-messages="binary"} on the body) sends each message as its UTF-8 bytes and a newline, in a
 * binary message, and shows binary messages that are UTF-8 as text.
 */
final class DevConsolePage {
    private static final String STYLE = """
            :root { color-scheme: light dark; --bg: #f6f6f7; --panel: #ffffff; --fg: #1d1d20; --muted: #6c6c78;
              --line: #dcdce1; --in: #0b7a34; --out: #1f5cbf; --err: #b3261e; }
            @media (prefers-color-scheme: dark) { :root { --bg: #141417; --panel: #1b1b1f; --fg: #e7e7ea;
              --muted: #9b9ba6; --line: #2e2e35; --in: #62d08e; --out: #86b3ff; --err: #ff8b80; } }
            * { box-sizing: border-box; }
            html, body { height: 100%; margin: 0; }
            body { display: flex; flex-direction: column; background: var(--bg); color: var(--fg);
              font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
            .bar { display: flex; gap: 8px; align-items: center; padding: 10px 12px; background: var(--panel); }
            #connect-form { border-bottom: 1px solid var(--line); }
            #send-form { border-top: 1px solid var(--line); }
            .mono, input[type=text], #log { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
            input[type=text] { flex: 1; min-width: 0; padding: 7px 9px; font-size: 13px; color: inherit;
              background: var(--bg); border: 1px solid var(--line); border-radius: 6px; }
            button { padding: 7px 14px; font: inherit; color: inherit; background: var(--bg);
              border: 1px solid var(--line); border-radius: 6px; cursor: pointer; }
            button:disabled { opacity: .45; cursor: default; }
            #state { min-width: 7em; text-align: center; font-size: 12px; color: var(--muted); }
            #state.open { color: var(--in); }
            #log { flex: 1; overflow-y: auto; padding: 6px 12px; font-size: 13px; line-height: 1.5; }
            .row { display: flex; gap: 12px; padding: 2px 0; border-bottom: 1px solid var(--line); }
            .time { flex: none; color: var(--muted); }
            .tag { flex: none; width: 7.5em; font-weight: 600; }
            .text { white-space: pre-wrap; word-break: break-all; }
            .msg-in .tag { color: var(--in); }
            .msg-out .tag { color: var(--out); }
            .ev-open .tag, .ev-close .tag, .ev-connect .tag { color: var(--muted); }
            .ev-error .tag, .ev-error .text { color: var(--err); }
            .hidden-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
            """;

    private static final String SCRIPT = """
            (function () {
              'use strict';
              var HISTORY_KEY = 'wsbridge.console.history';
              var HISTORY_LIMIT = 100;
              function byId(id) { return document.getElementById(id); }
              var urlInput = byId('url'), connectButton = byId('connect'), disconnectButton = byId('disconnect');
              var stateLabel = byId('state'), log = byId('log'), sendInput = byId('send-input');
              var sendButton = byId('send');
              var binary = document.body.getAttribute('data-messages') === 'binary';
              var rooms = document.body.getAttribute('data-rooms');
              var socket = null;
              var sent = loadHistory();
              var historyIndex = sent.length;
              var draft = '';

              function loadHistory() {
                try {
                  var stored = JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
                  if (!Array.isArray(stored)) { return []; }
                  return stored.filter(function (s) { return typeof s === 'string'; }).slice(-HISTORY_LIMIT);
                } catch (e) {
                  return [];
                }
              }

              function remember(message) {
                if (sent[sent.length - 1] !== message) {
                  sent.push(message);
                  if (sent.length > HISTORY_LIMIT) { sent.splice(0, sent.length - HISTORY_LIMIT); }
                  try { localStorage.setItem(HISTORY_KEY, JSON.stringify(sent)); } catch (e) { /* storage off */ }
                }
                historyIndex = sent.length;
                draft = '';
              }

              function row(kind, label, text) {
                var stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
                var entry = document.createElement('div');
                entry.className = 'row ' + kind;
                [['time', new Date().toLocaleTimeString()], ['tag', label], ['text', text]].forEach(function (part) {
                  var span = document.createElement('span');
                  span.className = part[0];
                  span.textContent = part[1];
                  entry.appendChild(span);
                });
                log.appendChild(entry);
                if (stick) { log.scrollTop = log.scrollHeight; }
              }

              function describeBinary(buffer) {
                if (binary) {
                  try {
                    return new TextDecoder('utf-8', { fatal: true }).decode(buffer).replace(/\\n$/, '');
                  } catch (e) { /* not UTF-8: shown as bytes */ }
                }
                var bytes = new Uint8Array(buffer), shown = Math.min(bytes.length, 256), hex = [];
                for (var i = 0; i < shown; i++) { hex.push((bytes[i] < 16 ? '0' : '') + bytes[i].toString(16)); }
                return 'BLOB (' + bytes.length + ' bytes) ' + hex.join(' ') + (bytes.length > shown ? ' ...' : '');
              }

              function setState(state) {
                stateLabel.textContent = state;
                stateLabel.className = state;
                var closed = state === 'closed', open = state === 'open';
                connectButton.disabled = !closed;
                disconnectButton.disabled = closed;
                sendInput.disabled = !open;
                sendButton.disabled = !open;
                if (open) { sendInput.focus(); }
              }

              // Keep the page's own URL on the endpoint's path, so a reload or a shared link opens the same one.
              function mirrorLocation(wsUrl) {
                try {
                  var target = new URL(wsUrl);
                  if (target.host === location.host) {
                    window.history.replaceState(null, '', target.pathname + target.search);
                  }
                } catch (e) { /* not a URL this page can mirror */ }
              }

              // --shared, --rooms: which room the URL joins (with --dir the room is the path after the script).
              function roomOf(url) {
                if (rooms === 'shared') { return ' (shared: one program for every client of this endpoint)'; }
                if (rooms !== 'rooms' && rooms !== 'rooms-dir') { return ''; }
                var path;
                try { path = decodeURIComponent(new URL(url).pathname); } catch (e) { return ''; }
                if (rooms === 'rooms-dir') { return ' (room: what follows the script in ' + path + ')'; }
                var base = document.body.getAttribute('data-basepath');
                if (base && path.indexOf(base) === 0) { path = path.substring(base.length); }
                var name = path.replace(new RegExp('^/+|/+$', 'g'), '');
                return name ? ' (room ' + name + ')' : ' (no room named: the server answers 400)';
              }

              function connect() {
                if (socket) { return; }
                var url = urlInput.value.trim();
                var ws;
                try {
                  ws = new WebSocket(url);
                } catch (e) {
                  row('ev-error', 'ERROR', String(e && e.message || e));
                  return;
                }
                ws.binaryType = 'arraybuffer';
                socket = ws;
                setState('connecting');
                row('ev-connect', 'CONNECTING', url);
                mirrorLocation(url);
                ws.addEventListener('open', function () {
                  row('ev-open', 'OPEN', url + roomOf(url));
                  setState('open');
                });
                ws.addEventListener('message', function (event) {
                  var text = typeof event.data === 'string' ? event.data : describeBinary(event.data);
                  row('msg-in', 'RECEIVED', text);
                });
                ws.addEventListener('error', function () {
                  row('ev-error', 'ERROR', 'connection error (the browser console may say more)');
                });
                ws.addEventListener('close', function (event) {
                  row('ev-close', 'CLOSED', 'code ' + event.code
                      + (event.reason ? ', reason "' + event.reason + '"' : ', no reason')
                      + (event.wasClean ? ', clean' : ', not clean'));
                  if (socket === ws) {
                    socket = null;
                    setState('closed');
                  }
                });
              }

              function send() {
                if (!socket || socket.readyState !== WebSocket.OPEN) { return; }
                var message = sendInput.value;
                try {
                  socket.send(binary ? new TextEncoder().encode(message + '\\n') : message);
                } catch (e) {
                  row('ev-error', 'ERROR', String(e && e.message || e));
                  return;
                }
                row('msg-out', 'SENT', message);
                remember(message);
                sendInput.value = '';
              }

              byId('connect-form').addEventListener('submit', function (event) {
                event.preventDefault();
                connect();
              });
              disconnectButton.addEventListener('click', function () {
                if (socket) {
                  setState('closing');
                  socket.close(1000);
                }
              });
              byId('send-form').addEventListener('submit', function (event) {
                event.preventDefault();
                send();
              });
              byId('clear').addEventListener('click', function () { log.textContent = ''; });
              sendInput.addEventListener('keydown', function (event) {
                if (event.key === 'ArrowUp' && historyIndex > 0) {
                  if (historyIndex === sent.length) { draft = sendInput.value; }
                  historyIndex--;
                  sendInput.value = sent[historyIndex];
                  event.preventDefault();
                } else if (event.key === 'ArrowDown' && historyIndex < sent.length) {
                  historyIndex++;
                  sendInput.value = historyIndex === sent.length ? draft : sent[historyIndex];
                  event.preventDefault();
                }
              });
              if (binary) {
                sendInput.placeholder = 'Message: sent as bytes (UTF-8 and a newline), as this endpoint takes binary'
                    + ' messages only; Enter sends, arrow up and down recall earlier ones';
              }
              setState('closed');
            }());
            """;

    private static final String TEMPLATE = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="data:,">
            <title>wsbridge console</title>
            <style>%STYLE%</style>
            </head>
            <body data-messages="%MESSAGES%" data-rooms="%ROOMS%" data-basepath="%BASEPATH%">
            <form id="connect-form" class="bar" autocomplete="off">
              <label class="hidden-label" for="url">WebSocket URL</label>
              <input id="url" type="text" spellcheck="false" value="%URL%">
              <button id="connect" type="submit">Connect</button>
              <button id="disconnect" type="button" disabled>Disconnect</button>
              <span id="state" class="closed">closed</span>
            </form>
            <div id="log" role="log" aria-live="polite"></div>
            <form id="send-form" class="bar" autocomplete="off">
              <label class="hidden-label" for="send-input">Message</label>
              <input id="send-input" type="text" spellcheck="false" disabled
                     placeholder="Message: Enter sends, arrow up and down recall earlier ones">
              <button id="send" type="submit" disabled>Send</button>
              <button id="clear" type="button">Clear log</button>
            </form>
            <script>%SCRIPT%</script>
            </body>
            </html>
            """.replace("%STYLE%", STYLE).replace("%SCRIPT%", SCRIPT);
    private static final String TEXT_PAGE = TEMPLATE.replace("%MESSAGES%", "text");
    private static final String BINARY_PAGE = TEMPLATE.replace("%MESSAGES%", "binary");

    /** Allows this page's own script and style, WebSocket connections, and nothing else. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src '" + sha256(SCRIPT)
            + "'; style-src '" + sha256(STYLE) + "'; connect-src ws: wss:; img-src data:; base-uri 'none';"
            + " form-action 'none'; frame-ancestors 'none'";

    private DevConsolePage() {
    }

    /**
     * The page with {@code webSocketUrl} pre-filled; {@code binaryEndpoint} when the endpoint takes binary messages
     * only (a relay, {@code --binary}).
     */
    static String render(String webSocketUrl, boolean binaryEndpoint) {
        return render(webSocketUrl, binaryEndpoint, "", "");
    }

    /**
     * As {@link #render(String, boolean)}, for an endpoint whose clients share programs: {@code rooms} is
     * {@code shared}, {@code rooms} or {@code rooms-dir} ({@code --rooms} with {@code --dir}), empty otherwise; the
     * page then names the room a connection joins. {@code basePath} is {@code --basepath}, empty for none.
     */
    static String render(String webSocketUrl, boolean binaryEndpoint, String rooms, String basePath) {
        String page = binaryEndpoint ? BINARY_PAGE : TEXT_PAGE;
        page = page.replace("%ROOMS%", rooms).replace("%BASEPATH%", HtmlText.escape(basePath));
        int at = page.indexOf("%URL%");
        return page.substring(0, at) + HtmlText.escape(webSocketUrl) + page.substring(at + "%URL%".length());
    }

    /** The CSP source that allows exactly this inline script or style. */
    static String sha256(String inline) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(inline.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
