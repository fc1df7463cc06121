package io.herald.http;

import io.herald.testing.HeraldNode;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On shutdown, a request already in flight finishes and is stored before the store closes. */
class GracefulShutdownIT {

  @Test
  void requestInFlightFinishesDuringShutdown() throws Exception {
    HeraldNode node = HeraldNode.start();
    int port = node.uri("/").getPort();
    String body = "{\"resourceType\":\"Patient\",\"gender\":\"other\"}";
    Future<Void> stopped;
    String response;
    try (Socket socket = new Socket("localhost", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/fhir+json\r\n"
          + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body.substring(0, 10))
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread.sleep(200);
      stopped = node.herald.stop();           // the request is half sent
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (accepts(port) && System.nanoTime() < deadline) {
        Thread.sleep(10);   // a marker: the server stops taking connections once shutdown has begun
      }
      assertTrue(!accepts(port), "the server took new connections 10 s into its shutdown");
      assertTrue(!stopped.isComplete(), "shutdown waits for the request in flight");
      out.write(body.substring(10).getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    stopped.await();
    assertTrue(response.startsWith("HTTP/1.1 201"), response);
    assertEquals(1, node.count("change"), "the in-flight create was stored");
    node.vertx.close().await();
  }

  private static boolean accepts(int port) {
    try (Socket probe = new Socket("localhost", port)) {
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
