package io.herald.deliver.live;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * One change as every live subscription that hears it gets it: its versionId, and the message
 * ({@code {event, versionId, resourceType, id, resource}}) encoded once as JSON for all of them. The bridge writes it
 * to each socket as it is.
 *
 * <p>It travels from the live verticle to the bridge on the local event bus only, with {@link #CODEC}, which hands the
 * same immutable instance to every receiver: a change heard by a thousand sockets is neither copied nor re-encoded a
 * thousand times. It never crosses the cluster.
 */
public record LiveEvent(long versionId, Buffer json) {

  public static final MessageCodec<LiveEvent, LiveEvent> CODEC = new MessageCodec<>() {
    @Override
    public void encodeToWire(Buffer buffer, LiveEvent event) {
      throw new IllegalStateException("A live event is sent on the local event bus only");
    }

    @Override
    public LiveEvent decodeFromWire(int pos, Buffer buffer) {
      throw new IllegalStateException("A live event is sent on the local event bus only");
    }

    @Override
    public LiveEvent transform(LiveEvent event) {
      return event;   // immutable: its buffer is only ever read
    }

    @Override
    public String name() {
      return "herald.live.event";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  };
}
