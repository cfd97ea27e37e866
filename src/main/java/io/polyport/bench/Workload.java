package io.polyport.bench;

import io.vertx.core.Future;

/**
 * What one scenario does, one operation at a time per worker. A unary workload's operation is one
 * request (1 unit); a stream workload's operation is one whole stream (its records are the units).
 * Operations of worker {@code w} are started on that worker's event loop; a failed future is an error.
 */
interface Workload {
  /** The scenario name as given on the command line. */
  String name();

  /** Unary workloads run for a duration; stream workloads run a number of rounds. */
  boolean unary();

  /** Starts one operation for worker {@code worker}; completes with the units it moved successfully. */
  Future<Long> call(int worker);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
