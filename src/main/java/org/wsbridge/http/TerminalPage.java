package org.wsbridge.http;

import org.wsbridge.request.HtmlText;

/**
 * The {@code --devconsole} page of a {@code --pty} server: a terminal (xterm.js and its fit addon, served by
 * wsbridge itself from {@link TerminalAssets}) joined to the WebSocket endpoint. It sends keystrokes as messages
 * of the server's type and {@code {"resize":[COLS,ROWS]}} as messages of the other type whenever the terminal's
 * size changes; copy and paste go through the selection (Ctrl+Shift+C, Ctrl+Shift+V or the buttons); a dropped
 * connection is reconnected with a growing delay, and one that ended because the program ended is restarted by
 * Enter or the Reconnect button.
 *
 * <p>The request-dependent values (the WebSocket URL, where the assets are) sit HTML-escaped in attributes, never
 * in script text, and a Content-Security-Policy allows only this page's own script (by hash) and wsbridge's
 * assets. Styles may be inline: xterm.js writes its colours into style elements of its own.
 *
 * <p>For tests and the browser console the terminal is {@code window.wsbridgeTerminal}; element ids are
 * {@code #url}, {@code #state}, {@code #reconnect}, {@code #copy}, {@code #paste}, {@code #terminal} and
 * {@code #missing} (shown when the assets were not built in).
 */
final class TerminalPage {
    private static final String STYLE = """
            html, body { height: 100%; margin: 0; background: #1b1b1f; color: #e7e7ea;
              font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
            body { display: flex; flex-direction: column; }
            .bar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #2e2e35; }
            #url { flex: 1; min-width: 0; color: #9b9ba6; font-family: ui-monospace, Menlo, Consolas, monospace;
              overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
            #state { min-width: 8em; text-align: right; color: #9b9ba6; }
            #state.open { color: #62d08e; }
            button { padding: 4px 10px; font: inherit; color: inherit; background: #141417;
              border: 1px solid #2e2e35; border-radius: 5px; cursor: pointer; }
            #terminal { flex: 1; min-height: 0; padding: 4px 0 0 6px; background: #000; }
            #missing { padding: 16px; color: #ff8b80; }
            """;

    private static final String SCRIPT = """
            (function () {
              'use strict';
              function byId(id) { return document.getElementById(id); }
              var body = document.body, url = body.getAttribute('data-url');
              var binary = body.getAttribute('data-binary') === 'true';
              var stateLabel = byId('state'), reconnectButton = byId('reconnect');
              byId('url').textContent = url;
              if (typeof Terminal === 'undefined' || typeof FitAddon === 'undefined') {
                byId('missing').hidden = false;
                stateLabel.textContent = 'no terminal';
                return;
              }
              var term = new Terminal({ cursorBlink: true, scrollback: 5000,
                fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace' });
              var fit = new FitAddon.FitAddon();
              term.loadAddon(fit);
              term.open(byId('terminal'));
              window.wsbridgeTerminal = term;
              var encoder = new TextEncoder();
              var socket = null, delay = 500, retryTimer = null, ended = false;

              function setState(text, open) {
                stateLabel.textContent = text;
                stateLabel.className = open ? 'open' : '';
              }
              function isOpen() { return socket && socket.readyState === WebSocket.OPEN; }
              // Keystrokes go in the server's message type, control messages in the other one.
              function sendInput(data) {
                if (isOpen()) { socket.send(binary ? encoder.encode(data) : data); }
              }
              function sendResize() {
                if (isOpen()) {
                  var message = JSON.stringify({ resize: [term.cols, term.rows] });
                  socket.send(binary ? message : encoder.encode(message));
                }
              }
              function refit() {
                try { fit.fit(); } catch (e) { /* not laid out yet */ }
              }

              function connect() {
                clearTimeout(retryTimer);
                if (socket) { socket.onclose = null; socket.close(); }
                ended = false;
                setState('connecting', false);
                var ws = new WebSocket(url);
                ws.binaryType = 'arraybuffer';
                socket = ws;
                ws.onopen = function () {
                  delay = 500;
                  setState('open', true);
                  refit();
                  sendResize();
                  term.focus();
                };
                ws.onmessage = function (event) {
                  term.write(typeof event.data === 'string' ? event.data : new Uint8Array(event.data));
                };
                ws.onclose = function (event) {
                  if (socket !== ws) { return; }
                  socket = null;
                  var why = 'code ' + event.code + (event.reason ? ' ' + event.reason : '');
                  if (event.code === 1000 || event.code === 1011) {
                    ended = true;
                    setState('ended', false);
                    term.write('\\r\\n[program ended: ' + why + '; press Enter or Reconnect to start again]\\r\\n');
                  } else {
                    setState('reconnecting', false);
                    term.write('\\r\\n[connection lost: ' + why + '; reconnecting in ' + delay / 1000 + ' s]\\r\\n');
                    retryTimer = setTimeout(connect, delay);
                    delay = Math.min(delay * 2, 30000);
                  }
                };
              }

              term.onData(function (data) {
                if (ended) {
                  if (data === '\\r') { connect(); }
                  return;
                }
                sendInput(data);
              });
              term.onResize(sendResize);
              new ResizeObserver(refit).observe(byId('terminal'));

              function copy() {
                var text = term.getSelection();
                if (text && navigator.clipboard) { navigator.clipboard.writeText(text); }
                term.focus();
              }
              function paste() {
                if (navigator.clipboard && navigator.clipboard.readText) {
                  navigator.clipboard.readText().then(function (text) { term.paste(text); });
                }
                term.focus();
              }
              term.attachCustomKeyEventHandler(function (event) {
                if (event.type === 'keydown' && event.ctrlKey && event.shiftKey) {
                  if (event.code === 'KeyC') { copy(); event.preventDefault(); return false; }
                  if (event.code === 'KeyV') { paste(); event.preventDefault(); return false; }
                }
                return true;
              });
              byId('copy').addEventListener('click', copy);
              byId('paste').addEventListener('click', paste);
              reconnectButton.addEventListener('click', connect);
              refit();
              connect();
            }());
            """;

    private static final String TEMPLATE = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="data:,">
            <title>wsbridge terminal</title>
            <link rel="stylesheet" href="%ASSETS%xterm.css">
            <style>%STYLE%</style>
            <script src="%ASSETS%xterm.js"></script>
            <script src="%ASSETS%addon-fit.js"></script>
            </head>
            <body data-url="%URL%" data-binary="%BINARY%">
            <div class="bar">
              <span id="url"></span>
              <span id="state">connecting</span>
              <button id="copy" type="button" title="Copy the selection (Ctrl+Shift+C)">Copy</button>
              <button id="paste" type="button" title="Paste (Ctrl+Shift+V)">Paste</button>
              <button id="reconnect" type="button">Reconnect</button>
            </div>
            <div id="missing" hidden>The terminal's assets (xterm.js) are missing: this wsbridge was built without
            npm. Rebuild it with Node.js and npm installed, or connect another terminal client to the WebSocket URL
            above.</div>
            <div id="terminal"></div>
            <script>%SCRIPT%</script>
            </body>
            </html>
            """.replace("%STYLE%", STYLE).replace("%SCRIPT%", SCRIPT);

    /** This page's script and wsbridge's own assets, inline styles (xterm.js needs them), WebSocket connections. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self' '" + DevConsolePage.sha256(SCRIPT)
            + "'; style-src 'self' 'unsafe-inline'; font-src 'self'; connect-src ws: wss:; img-src data:;"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private TerminalPage() {
    }

    /**
     * @param webSocketUrl the endpoint the terminal connects to
     * @param assets       the path of the assets, ending in a slash
     * @param binary       {@code --binary}: keystrokes go as binary messages, control messages as text
     */
    static String render(String webSocketUrl, String assets, boolean binary) {
        return TEMPLATE.replace("%ASSETS%", HtmlText.escape(assets))
                .replace("%BINARY%", Boolean.toString(binary))
                .replace("%URL%", HtmlText.escape(webSocketUrl));
    }
}
