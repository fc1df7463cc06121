package io.herald.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.pgclient.PgConnectOptions;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback in front of a real server (PostgreSQL), to take the server out of reach and
 * bring it back: {@link #cut()} drops every connection and refuses new ones, {@link #restore()} listens again.
 */
public final class TcpRelay implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final String targetHost;
  private final int targetPort;
  private final int port = HeraldNode.freePort();
  private NetServer server;
  private volatile boolean cut;

  public TcpRelay(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    restore();
  }

  /** The same PostgreSQL URI, through this relay. */
  public static TcpRelay before(String pgUri) {
    PgConnectOptions options = PgConnectOptions.fromUri(pgUri);
    return new TcpRelay(options.getHost(), options.getPort());
  }

  public String uri(String pgUri) {
    return TestDatabase.uri(PgConnectOptions.fromUri(pgUri).setHost("127.0.0.1").setPort(port));
  }

  public void restore() {
    cut = false;
    server = vertx.createNetServer().connectHandler(this::relay).listen(port, "127.0.0.1").await();
  }

  /** Closes every relayed connection and refuses new ones, as a stopped server would. */
  public void cut() {
    cut = true;
    server.close().await();
    sockets.forEach(NetSocket::close);
    sockets.clear();
  }

  private void relay(NetSocket in) {
    in.pause();
    client.connect(targetPort, targetHost).onSuccess(out -> {
      if (cut) {   // cut while this one was being set up
        in.close();
        out.close();
        return;
      }
      sockets.add(in);
      sockets.add(out);
      in.closeHandler(closed -> sockets.remove(in));
      out.closeHandler(closed -> sockets.remove(out));
      in.pipeTo(out);
      out.pipeTo(in);
      in.resume();
    }).onFailure(e -> in.close());
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
