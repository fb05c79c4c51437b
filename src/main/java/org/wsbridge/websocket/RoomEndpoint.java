package org.wsbridge.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import java.util.List;
import java.util.Optional;
import org.wsbridge.config.EnvVar;
import org.wsbridge.log.LogScope;
import org.wsbridge.metrics.Metrics;
import org.wsbridge.process.CgiEnvironment;
import org.wsbridge.process.CgiRequest;
import org.wsbridge.request.ScriptTarget;
import org.wsbridge.room.RoomKey;

/**
 * {@code --shared}/{@code --rooms}: the client joins its room once the 101 is out. Refused before it with 400
 * when the URL names no room, 503 when the room cannot be opened ({@code --maxrooms}). A room's client holds no
 * {@code --maxforks} slot (the room's child does).
 */
final class RoomEndpoint implements Endpoint {
    private final RoomEntrance entrance;
    private final SessionSettings settings;
    private final List<EnvVar> passEnv;
    private final UpgradeContext context;
    private final UpgradeAnswer answer;
    private final Subprotocols subprotocols;

    RoomEndpoint(RoomEntrance entrance, SessionSettings settings, List<EnvVar> passEnv, UpgradeAnswer answer) {
        this.entrance = entrance;
        this.settings = settings;
        this.passEnv = passEnv;
        this.context = answer.context();
        this.answer = answer;
        this.subprotocols = answer.subprotocols();
    }

    /** Returns false: the client holds no fork slot. */
    @Override
    public boolean start(ChannelHandlerContext ctx, HttpRequest request, ScriptTarget target, LogScope scope,
                         String origin, HttpSide http, CgiRequest cgi) {
        Optional<RoomKey> key = entrance.key(target);
        if (key.isEmpty()) {
            return answer.refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: no room named in the URL path (e.g. /lobby)", h -> { });
        }
        Optional<String> refusal = entrance.bus().refusal(key.get());
        if (refusal.isPresent()) {
            scope.error("room", "Room " + key.get().display() + " refused: " + refusal.get());
            return answer.refuse(ctx, request, scope, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "503 Service Unavailable: " + refusal.get(), h -> h.set(HttpHeaderNames.RETRY_AFTER, "1"));
        }
        Channel channel = ctx.channel();
        channel.config().setWriteBufferWaterMark(RoomEntrance.CLIENT_QUEUE);
        LogScope clientScope = scope.with("id", cgi.uniqueId()).with("remote", cgi.remoteHost())
                .with("room", key.get().display()).with("origin", origin);
        CgiEnvironment env = CgiEnvironment.forWebSocket(context.serverSoftware(), passEnv, cgi);
        subprotocols.choose(request.headers()).ifPresent(env::putSubprotocol);
        RoomClient client = new RoomClient(channel, entrance.bus(), key.get(), cgi.uniqueId(),
                RoomEntrance.text(env.asMap()), clientScope, settings);
        Optional<WebSocketServerExtension> compression = answer.compression(request);
        answer.handshake(channel, request, subprotocols.choose(request.headers()).orElse(null), compression,
                EmptyHttpHeaders.INSTANCE, http, clientScope, () -> { }, pipeline -> {
                    compression.ifPresent(e -> PermessageDeflate.install(pipeline, e));
                    pipeline.addLast("utf8", new TextValidator());
                    pipeline.addLast("room", client);
                    context.sessions().add(channel);
                    answer.counted(channel, Metrics.Endpoint.PROGRAM);
                    client.upgraded();
                });
        return false;
    }
}
