package org.wsbridge.config;

/**
 * Size, count and time limits.
 *
 * @param maxForks     {@code --maxforks}: concurrent WebSocket sessions plus CGI runs; 0 = unlimited
 * @param maxFrameSize {@code --maxframesize}: largest inbound message in bytes; 0 = unlimited
 * @param maxLineSize  {@code --maxlinesize}: longest stdout line sent as one message before it is split
 * @param closeMs      {@code --closems}: grace added to each wait of the termination ladder
 * @param pingMs       {@code --pingms}: ping interval; 0 = no pings
 * @param cgiTimeoutMs {@code --cgitimeout}: how long a CGI script may run; 0 = unlimited
 * @param cgiMaxBody   {@code --cgimaxbody}: largest request body passed to a CGI script, in bytes; 0 = unlimited
 */
public record Limits(int maxForks, long maxFrameSize, int maxLineSize, long closeMs, long pingMs,
                     long cgiTimeoutMs, long cgiMaxBody) {
    public static final int DEFAULT_MAX_FORKS = 1024;
    public static final long DEFAULT_MAX_FRAME_SIZE = 1 << 20;
    public static final int DEFAULT_MAX_LINE_SIZE = 16 << 20;
    public static final long DEFAULT_CGI_TIMEOUT_MS = 60_000;
    public static final long DEFAULT_CGI_MAX_BODY = 10 << 20;

    /** websocketd's defaults. */
    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_FORKS, DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_LINE_SIZE, 0, 0,
                DEFAULT_CGI_TIMEOUT_MS, DEFAULT_CGI_MAX_BODY);
    }
}
