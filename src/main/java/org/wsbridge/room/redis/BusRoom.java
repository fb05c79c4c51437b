package org.wsbridge.room.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.wsbridge.log.LogScope;
import org.wsbridge.room.Audience;
import org.wsbridge.room.Member;
import org.wsbridge.room.MemberEvent;
import org.wsbridge.room.Output;
import org.wsbridge.room.RoomChild;
import org.wsbridge.room.RoomKey;
import org.wsbridge.room.RoomRefusedException;

/**
 * One room on this instance, with the bus: its members here (an {@link Audience} fed from the room's out channel),
 * and, while this instance holds the room's lease, its child. Used on its event loop only. See docs/rooms-bus.md.
 */
final class BusRoom {
    private enum Feed { NONE, PENDING, LIVE }

    /** Most lines and bytes published in one Redis message. */
    private static final int MAX_BATCH_LINES = 1000;
    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final RedisRoomBus bus;
    private final RoomKey key;
    private final EventLoop loop;
    private final boolean keep;
    private final RoomNames names;
    private final String me;
    private final Audience audience;
    private final LogScope log;

    /** The out channel: not subscribed, subscribing (messages wait in {@code early}), live. */
    private Feed feed = Feed.NONE;
    private final List<Member> waiting = new ArrayList<>();
    private final List<byte[]> early = new ArrayList<>();
    /** Broadcast lines of the child running here, published together once its current burst is read. */
    private final List<byte[]> pendingLines = new ArrayList<>();
    private int pendingBytes;
    /** Messages of waiting members, passed on once they are seated. */
    private final List<Runnable> deferred = new ArrayList<>();
    /** The id of the newest history line replayed: live broadcasts up to it were seen already. */
    private String seenUpTo;

    /** While this instance runs the child: who the child knows about (client id → its instance). */
    private RoomChild child;
    private boolean starting;
    /** Counts the child's stops, so that a takeover overtaken by one (the lease was lost meanwhile) gives up. */
    private int stops;
    private final Map<String, String> joined = new LinkedHashMap<>();
    /** Client events that arrive while the child is being started, in order. */
    private final List<Wire.Parsed> held = new ArrayList<>();

    private ScheduledFuture<?> ticker;
    private long emptySinceNanos = -1;
    private boolean over;

    BusRoom(RedisRoomBus bus, RoomKey key, EventLoop loop, boolean keep) {
        this.bus = bus;
        this.key = key;
        this.loop = loop;
        this.keep = keep;
        this.names = RoomNames.of(bus.prefix(), key);
        this.me = bus.instance();
        this.log = bus.scope().with("room", key.display());
        this.audience = new Audience(loop, bus.alloc(), bus.settings(), log);
    }

    EventLoop loop() {
        return loop;
    }

    /** {@code --shared=eager}: the room is open from the start, with or without members. */
    void open() {
        subscribeOut();
        startTicking();
    }

    // ---- members of this instance

    void join(Member member) {
        if (over) {
            bus.join(key, member); // ended meanwhile: a new room
            return;
        }
        if (!member.channel().isActive()) {
            return;
        }
        member.channel().closeFuture().addListener(f -> loop.execute(() -> leave(member)));
        if (feed == Feed.LIVE) {
            seat(member);
        } else {
            waiting.add(member);
            subscribeOut();
        }
        startTicking();
    }

    /** The member gets the replay and the live lines; then the child hears of it (so it can be addressed at once). */
    private void seat(Member member) {
        if (!member.channel().isActive() || !audience.add(member)) {
            return;
        }
        member.scope().access("room", "JOIN");
        byte[] join = Wire.encode(Wire.JOIN, List.of(me, member.id()), Wire.env(member.env()));
        bus.redis().commands().hset(names.members(), member.id(), join);
        if (runsChild()) {
            joined.put(member.id(), me);
            child.deliver(new MemberEvent.Join(member.id(), member.env()));
        } else if (starting) {
            held.add(Wire.decode(join));
        } else {
            bus.redis().commands().publish(names.in(), join);
        }
    }

    void message(Member member, ByteBuf text) {
        if (!over && waiting.contains(member)) {
            byte[] bytes = ByteBufUtil.getBytes(text);
            text.release();
            deferred.add(() -> message(member, Unpooled.wrappedBuffer(bytes)));
            return;
        }
        if (over || !audience.contains(member)) {
            text.release();
            return;
        }
        if (runsChild()) {
            if (!child.deliver(new MemberEvent.Message(member.id(), text))) {
                // The program is behind: hold this client back (TCP pushes back on it) until stdin drains.
                member.channel().config().setAutoRead(false);
                child.whenWritable(() -> member.channel().config().setAutoRead(true));
            }
            return;
        }
        byte[] message = Wire.encode(Wire.MESSAGE, List.of(me, member.id()), ByteBufUtil.getBytes(text));
        text.release();
        if (starting) {
            held.add(Wire.decode(message));
        } else {
            bus.redis().commands().publish(names.in(), message);
        }
    }

    void leave(Member member) {
        waiting.remove(member);
        if (!audience.remove(member)) {
            if (audience.isEmpty() && waiting.isEmpty()) {
                tick();
            }
            return;
        }
        member.scope().access("room", "LEAVE");
        bus.redis().commands().hdel(names.members(), member.id());
        byte[] leave = Wire.encode(Wire.LEAVE, List.of(me, member.id()), new byte[0]);
        if (runsChild()) {
            if (joined.remove(member.id()) != null) {
                child.deliver(new MemberEvent.Leave(member.id()));
            }
        } else if (starting) {
            held.add(Wire.decode(leave));
        } else {
            bus.redis().commands().publish(names.in(), leave);
        }
        if (audience.isEmpty() && waiting.isEmpty()) {
            tick(); // withdraws this instance at once: the room may be over
        }
    }

    // ---- the out channel: the child's output, from whichever instance runs it

    private void subscribeOut() {
        if (feed != Feed.NONE) {
            return;
        }
        feed = Feed.PENDING;
        bus.listen(names.out(), this);
        bus.redis().pubsub().subscribe(names.out()).whenComplete((v, e) -> loop.execute(() -> {
            if (e != null) {
                feedFailed(e);
            } else if (bus.settings().replay() > 0) {
                bus.redis().commands().xrevrange(names.history(), Range.unbounded(),
                        Limit.from(bus.settings().replay())).whenComplete((lines, e2) -> loop.execute(() -> {
                            if (e2 != null) {
                                log.error("bus", "Could not read the room's history from Redis (" + e2 + ")");
                            }
                            goLive(e2 != null ? List.of() : lines);
                        }));
            } else {
                goLive(List.of());
            }
        }));
    }

    private void feedFailed(Throwable e) {
        log.error("bus", "Could not subscribe to the room in Redis (" + e + "): its clients here are closed");
        feed = Feed.NONE;
        bus.unlisten(names.out(), this);
        early.clear();
        deferred.clear();
        for (Member m : List.copyOf(waiting)) {
            m.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "the room's bus is unreachable");
        }
        waiting.clear();
        finishIfIdle();
    }

    /** Replays the history (newest first as read) into the audience, then what arrived meanwhile, then seats. */
    private void goLive(List<StreamMessage<String, byte[]>> history) {
        if (over) {
            return;
        }
        for (int i = history.size() - 1; i >= 0; i--) {
            byte[] text = history.get(i).getBody().get("d");
            if (text != null) {
                audience.deliver(new Output.Broadcast(Unpooled.wrappedBuffer(text)));
            }
            seenUpTo = history.get(i).getId();
        }
        feed = Feed.LIVE;
        for (byte[] message : early) {
            fromOut(message);
        }
        early.clear();
        for (Member m : List.copyOf(waiting)) {
            seat(m);
        }
        waiting.clear();
        List<Runnable> messages = List.copyOf(deferred);
        deferred.clear();
        messages.forEach(Runnable::run);
    }

    void received(String channel, byte[] message) {
        if (channel.equals(names.out())) {
            if (feed == Feed.PENDING) {
                early.add(message);
            } else if (feed == Feed.LIVE) {
                fromOut(message);
            }
        } else if (channel.equals(names.in())) {
            Wire.Parsed event = Wire.decode(message);
            if (event == null || event.origin().equals(me)) {
                return; // this instance's own clients reach its child directly
            }
            if (starting) {
                held.add(event);
            } else if (runsChild()) {
                toChild(event);
            }
        }
    }

    private void fromOut(byte[] message) {
        Wire.Parsed out = Wire.decode(message);
        if (out == null || out.origin().equals(me)) {
            return; // this instance's own child wrote to its audience directly
        }
        Output output = switch (out.kind()) {
            case Wire.BROADCAST -> {
                for (Wire.Line line : Wire.lines(out)) {
                    if (!seen(line.id())) {
                        audience.deliver(new Output.Broadcast(Unpooled.wrappedBuffer(line.text())));
                    }
                }
                yield null;
            }
            case Wire.ADDRESSED -> new Output.Addressed(List.of(out.field(1).split(",")),
                    Unpooled.wrappedBuffer(out.payload()));
            case Wire.CLOSE -> new Output.Close(out.field(1), Integer.parseInt(out.field(2)),
                    new String(out.payload(), StandardCharsets.UTF_8));
            case Wire.END -> new Output.End(Integer.parseInt(out.field(1)),
                    new String(out.payload(), StandardCharsets.UTF_8));
            default -> null;
        };
        if (output == null) {
            return;
        }
        boolean end = output instanceof Output.End;
        audience.deliver(output);
        if (end) {
            ended("its program ended on another instance");
        }
    }

    /** True for a broadcast the history replay already gave (stream ids are {@code millis-sequence}). */
    private boolean seen(String id) {
        if (seenUpTo == null || id.equals("-")) {
            return false;
        }
        long[] a = streamId(id);
        long[] b = streamId(seenUpTo);
        return a[0] < b[0] || a[0] == b[0] && a[1] <= b[1];
    }

    private static long[] streamId(String id) {
        int dash = id.indexOf('-');
        return new long[] {Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1))};
    }

    // ---- the child, while this instance holds the lease

    private boolean runsChild() {
        return child != null && !starting;
    }

    /** Output of the child running here: to this instance's members directly, to the others through Redis. */
    void publish(Output output) {
        if (over || child == null) {
            output.release();
            return;
        }
        if (output instanceof Output.Broadcast b) {
            byte[] text = ByteBufUtil.getBytes(b.text());
            pendingLines.add(text);
            pendingBytes += text.length;
            if (pendingLines.size() == 1) {
                loop.execute(this::flushLines); // after the lines the child wrote in one go
            } else if (pendingLines.size() >= MAX_BATCH_LINES || pendingBytes >= MAX_BATCH_BYTES) {
                flushLines();
            }
        } else {
            flushLines(); // in the order the child wrote
        }
        if (output instanceof Output.Broadcast) {
            // published in a batch
        } else if (output instanceof Output.Addressed a) {
            publishOut(Wire.encode(Wire.ADDRESSED, List.of(me, String.join(",", a.to())),
                    ByteBufUtil.getBytes(a.text())));
        } else if (output instanceof Output.Close c) {
            publishOut(Wire.encode(Wire.CLOSE, List.of(me, c.id(), Integer.toString(c.code())), bytes(c.reason())));
        } else if (output instanceof Output.End e) {
            publishOut(Wire.encode(Wire.END, List.of(me, Integer.toString(e.code())), bytes(e.reason())));
        }
        boolean end = output instanceof Output.End;
        audience.deliver(output);
        if (end) {
            child = null; // gone for good
            giveUpLease();
            ended("its program ended");
        }
    }

    /** The broadcast lines not yet published: one Redis message (and one script call with replay) for them all. */
    private void flushLines() {
        if (pendingLines.isEmpty()) {
            return;
        }
        List<byte[]> lines = List.copyOf(pendingLines);
        pendingLines.clear();
        pendingBytes = 0;
        if (bus.settings().replay() > 0) {
            byte[][] args = new byte[lines.size() + 3][];
            args[0] = bytes(names.out());
            args[1] = bytes(me);
            args[2] = bytes(Integer.toString(bus.settings().replay()));
            for (int i = 0; i < lines.size(); i++) {
                args[i + 3] = lines.get(i);
            }
            bus.redis().run(Scripts.BROADCAST, ScriptOutputType.INTEGER, new String[] {names.history()}, args);
        } else {
            publishOut(Wire.lines(me, lines));
        }
    }

    private void publishOut(byte[] message) {
        bus.redis().commands().publish(names.out(), message);
    }

    /** This instance took the lease: subscribe to the clients' events, start the child, tell it who is here. */
    private void takeOver(Set<String> present) {
        starting = true;
        child = null;
        int attempt = stops;
        bus.listen(names.in(), this);
        bus.redis().pubsub().subscribe(names.in())
                .thenCompose(v -> bus.redis().commands().hgetall(names.members()))
                .whenComplete((members, e) -> loop.execute(() -> {
                    if (attempt != stops) {
                        return; // stopped meanwhile (lease lost, room over, shutdown)
                    }
                    if (e != null) {
                        log.error("bus", "Could not take the room over (" + e + "); retrying on the next tick");
                        starting = false;
                        held.clear();
                        unlistenIn();
                        giveUpLease();
                        return;
                    }
                    startChild(members, present);
                }));
    }

    private void startChild(Map<String, byte[]> members, Set<String> present) {
        if (over) {
            return;
        }
        try {
            child = bus.runner().start(key, bus, loop);
        } catch (RoomRefusedException e) {
            log.error("room", "Room not started here: " + e.getMessage());
            starting = false;
            held.clear();
            unlistenIn();
            giveUpLease();
            return;
        }
        starting = false;
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            Wire.Parsed join = Wire.decode(m.getValue());
            if (join == null || !join.origin().equals(me) && !present.contains(join.origin())) {
                bus.redis().commands().hdel(names.members(), m.getKey()); // its instance is gone
            } else {
                toChild(join);
            }
        }
        for (Wire.Parsed event : held) {
            toChild(event);
        }
        held.clear();
    }

    /** A client event (from another instance, or held during the start) for the child running here. */
    private void toChild(Wire.Parsed event) {
        String id = event.field(1);
        switch (event.kind()) {
            case Wire.JOIN -> {
                if (joined.putIfAbsent(id, event.origin()) == null) {
                    child.deliver(new MemberEvent.Join(id, Wire.env(event.payload())));
                }
            }
            case Wire.MESSAGE -> child.deliver(new MemberEvent.Message(id, Unpooled.wrappedBuffer(event.payload())));
            case Wire.LEAVE -> {
                if (joined.remove(id) != null) {
                    child.deliver(new MemberEvent.Leave(id));
                }
            }
            default -> {
            }
        }
    }

    /** The clients of instances that are gone (no longer present) leave the child. */
    private void forgetAbsent(Set<String> present) {
        for (Map.Entry<String, String> m : List.copyOf(joined.entrySet())) {
            if (!m.getValue().equals(me) && !present.contains(m.getValue())) {
                joined.remove(m.getKey());
                bus.redis().commands().hdel(names.members(), m.getKey());
                child.deliver(new MemberEvent.Leave(m.getKey()));
            }
        }
    }

    /** Ends the child running here (the room is idle, the lease was lost, or wsbridge shuts down). */
    private void stopChild() {
        stops++;
        if (child != null) {
            child.stop();
            child = null;
        }
        starting = false;
        joined.clear();
        held.clear();
        unlistenIn();
    }

    private CompletionStage<?> giveUpLease() {
        return bus.redis().run(Scripts.RELEASE, ScriptOutputType.INTEGER, new String[] {names.lease()}, bytes(me));
    }

    private void unlistenIn() {
        bus.unlisten(names.in(), this);
        bus.redis().pubsub().unsubscribe(names.in());
    }

    // ---- the tick: presence, lease, takeover, idleness

    private void startTicking() {
        if (ticker == null) {
            ticker = loop.scheduleAtFixedRate(this::tick, RedisRoomBus.TICK_MS, RedisRoomBus.TICK_MS,
                    TimeUnit.MILLISECONDS);
            tick();
        }
    }

    private void tick() {
        if (over) {
            return;
        }
        boolean here = keep || !audience.isEmpty() || !waiting.isEmpty();
        bus.redis().<List<byte[]>>run(Scripts.TICK, ScriptOutputType.MULTI,
                        new String[] {names.lease(), names.present()}, bytes(me),
                        bytes(Long.toString(RedisRoomBus.LEASE_MS)), bytes(here ? "1" : "0"))
                .whenComplete((result, e) -> loop.execute(() -> {
                    if (e == null) {
                        ticked(result);
                    } else if (log.enabled(org.wsbridge.config.LogLevel.DEBUG)) {
                        log.debug("bus", "Tick failed (" + e + ")");
                    }
                }));
    }

    private void ticked(List<byte[]> result) {
        if (over) {
            return;
        }
        String owner = new String(result.get(0), StandardCharsets.UTF_8);
        Set<String> present = new HashSet<>();
        for (byte[] id : result.subList(1, result.size())) {
            present.add(new String(id, StandardCharsets.UTF_8));
        }
        boolean mine = owner.equals(me);
        if (mine && child == null && !starting) {
            log.access("room", "Taking the room's program (no instance runs it)");
            takeOver(present);
        } else if (!mine && (child != null || starting)) {
            log.error("room", "Another instance holds the room's lease now: ending its program here");
            stopChild();
        } else if (mine && runsChild()) {
            forgetAbsent(present);
            if (present.isEmpty() && audience.isEmpty() && !keep) {
                idle();
                return;
            }
            emptySinceNanos = -1;
        }
        finishIfIdle();
    }

    /** No instance has a client in the room: after --roomidle the child ends and the room is over. */
    private void idle() {
        long now = System.nanoTime();
        if (emptySinceNanos < 0) {
            emptySinceNanos = now;
        }
        if (TimeUnit.NANOSECONDS.toMillis(now - emptySinceNanos) >= bus.settings().idleMs()) {
            stopChild();
            giveUpLease();
            bus.redis().commands().del(names.members(), names.history(), names.present());
            ended("its last client left");
        }
    }

    /** Nothing keeps the room here any more (no member, no child): it is over on this instance. */
    private void finishIfIdle() {
        if (!keep && audience.isEmpty() && waiting.isEmpty() && child == null && !starting) {
            ended(null);
        }
    }

    /** The room is over on this instance: members closed already, subscriptions and timers dropped. */
    private void ended(String reason) {
        if (over) {
            return;
        }
        over = true;
        bus.forget(key, this);
        if (ticker != null) {
            ticker.cancel(false);
        }
        stopChild();
        if (feed != Feed.NONE) {
            bus.unlisten(names.out(), this);
            bus.redis().pubsub().unsubscribe(names.out());
        }
        bus.redis().commands().zrem(names.present(), bytes(me));
        audience.end(WebSocketCloseStatus.NORMAL_CLOSURE.code(), reason == null ? "" : reason);
        if (reason != null) {
            log.access("room", "ROOM END: " + reason);
        }
    }

    /** Redis is back: register this instance's members again (a new Redis has none) and tick at once. */
    void reconnected() {
        if (over) {
            return;
        }
        for (Member m : audience.members()) {
            bus.redis().commands().hset(names.members(), m.id(),
                    Wire.encode(Wire.JOIN, List.of(me, m.id()), Wire.env(m.env())));
        }
        tick();
    }

    /** wsbridge shuts down: members closed with 1001, the child ended, the lease given back at once. */
    CompletionStage<?> shutdown() {
        audience.end(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "going away");
        for (Member m : waiting) {
            m.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "going away");
        }
        waiting.clear();
        boolean ran = child != null || starting;
        ended("the server is shutting down");
        return ran ? giveUpLease() : CompletableFuture.completedFuture(null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
