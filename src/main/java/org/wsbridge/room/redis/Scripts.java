package org.wsbridge.room.redis;

import org.wsbridge.room.redis.RedisLink.Script;

/** The Lua scripts of the bus: each makes one step atomic in Redis, with Redis's clock as the only clock. */
final class Scripts {
    private Scripts() {
    }

    /**
     * The tick (KEYS lease, present; ARGV instance, lease ms, 1 when the instance has clients in the room): refreshes
     * or withdraws the instance's presence, drops expired ones, extends the lease if it is the instance's or takes it
     * if nobody holds it and the instance has clients. Returns the lease holder ('' for none) and the instances
     * present.
     */
    static final Script TICK = Script.of("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local lease = tonumber(ARGV[2])
            if ARGV[3] == '1' then
              redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
              redis.call('PEXPIRE', KEYS[2], 2 * lease)
            else
              redis.call('ZREM', KEYS[2], ARGV[1])
            end
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
            local owner = redis.call('GET', KEYS[1])
            if owner == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], lease)
            elseif not owner and ARGV[3] == '1' then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', lease)
              owner = ARGV[1]
            end
            local out = {owner or ''}
            for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
              table.insert(out, id)
            end
            return out
            """);

    /** Gives up the lease (KEYS lease; ARGV instance) if it is still the instance's. */
    static final Script RELEASE = Script.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    /**
     * Broadcast lines with replay (KEYS history; ARGV out channel, instance, replay count, then the lines): each is
     * appended to the history stream, capped, and they are published as one message with the ids the stream gave
     * them (the layout of {@code Wire.lines}), in one step.
     */
    static final Script BROADCAST = Script.of("""
            local out = {'B', ARGV[2], '\\n'}
            for i = 4, #ARGV do
              local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], '*', 'd', ARGV[i])
              table.insert(out, id .. '\\n' .. #ARGV[i] .. '\\n')
              table.insert(out, ARGV[i])
            end
            redis.call('PUBLISH', ARGV[1], table.concat(out))
            return #ARGV - 3
            """);
}
