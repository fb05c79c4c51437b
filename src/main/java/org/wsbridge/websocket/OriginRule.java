package org.wsbridge.websocket;

/** Decides whether a request's Origin may upgrade (403 otherwise). */
@FunctionalInterface
public interface OriginRule {
    /**
     * @param origin the Origin header, null when absent
     * @param host   the Host header, null when absent
     * @param secure the connection is TLS
     * @return null to allow, else the reason for the log
     */
    String refusal(String origin, String host, boolean secure);
}
