/**
 * What the HTTP router, CGI and the WebSocket upgrade share about a request, below all of them: its CGI facts
 * ({@link org.wsbridge.request.CgiRequests}: addresses, the client behind trusted proxies, Host split into name
 * and port, the percent-decoded path), the program a URL runs ({@link org.wsbridge.request.ScriptResolver}), and
 * wsbridge's own plain-text, redirect and small HTML answers ({@link org.wsbridge.request.HttpResponses}), the
 * HTTP codec ({@link org.wsbridge.request.HttpCodec}) and the {@code --pingms} keep-alive every WebSocket endpoint
 * runs ({@link org.wsbridge.request.PingWatch}).
 *
 * <p>Layers, top first: {@code cli}, {@code server}, {@code http}, {@code websocket}, {@code request},
 * {@code process}, {@code log}, {@code config}; a package uses only those below it ({@code PackageLayersTest}).
 */
package org.wsbridge.request;
