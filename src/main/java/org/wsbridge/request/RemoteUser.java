package org.wsbridge.request;

import io.netty.util.AttributeKey;

/**
 * Who the client of a connection's current request proved to be ({@code --auth-token}, {@code --auth-basic}), put on the channel by the
 * access check before the request goes on, and read when the request's CGI environment is built.
 *
 * @param authType AUTH_TYPE: {@code Bearer} or {@code Basic}
 * @param name     REMOTE_USER
 */
public record RemoteUser(String authType, String name) {
    /** Set for each request that passed the check, cleared for each that needed none. */
    public static final AttributeKey<RemoteUser> KEY = AttributeKey.valueOf("wsbridge.remoteUser");
}
