// Benchmark peer: zitadel.auth.v1.AuthService on grpc-go (1.33) with a grpc-gateway v1 (1.6.4)
// REST front (the stack ZITADEL v1 ran), all from Debian's Go packages (build.sh). The logic and
// the tokens follow bench/src/logic.rs and bench/src/auth.rs, as
// bench/peers/connect-node/server.mjs does, so the answer checks hold it to the same codes and
// bodies as the other servers.
//
//	peer-grpc-gateway [--addr 127.0.0.1:0] [--users 256]
//
// Prints `listening on ADDR` first; stops on SIGTERM, SIGINT or when standard input closes.
//
// Design: one public port served by net/http behind h2c.NewHandler (HTTP/1.1 and h2c with prior
// knowledge), which sends each request on its way by itself, as ZITADEL's Go server does: an
// HTTP/2 request with content-type application/grpc* to grpcServer.ServeHTTP, everything else
// to the gateway. A connection may mix the two, as the bench's soak does. (Splitting the port
// per connection, with cmux, would give gRPC grpc-go's own transport but refuse REST on a
// connection that began with gRPC.)
//
// grpc-gateway v1 has no in-process registration: its ServeMux calls the service through a
// grpc.ClientConn. That connection is dialled to a second listener on 127.0.0.1:0 (not
// printed) served by the same grpc.Server, as a gateway in front of a gRPC port. The gateway
// forwards the HTTP Authorization header as the `authorization` metadata (runtime's
// AnnotateContext does so for every request), which the service reads as for gRPC callers.
//
// REST routes answer at the proto's paths (/users/me/phone, …) and under the OpenAPI base path
// /auth/v1 (/auth/v1/users/me/phone, …), where ZITADEL serves them and the bench sends them.
// JSON out is proto3 JSON with lowerCamelCase names (OrigName false), as ZITADEL's gateway
// wrote it; grpc-gateway v1's default marshaler (OrigName true) would write the proto names
// (change_date, resource_owner). Errors keep grpc-gateway v1's own body
// ({"error","message","code","details"}) and HTTP mapping (FAILED_PRECONDITION is 412).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/runtime"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
	"google.golang.org/grpc"
	"google.golang.org/grpc/grpclog"

	"protogate.local/gen/zitadel/auth"
)

// The OpenAPI base path of the service (auth.proto's openapiv2_swagger base_path).
const basePath = "/auth/v1"

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	users := flag.Int("users", 256, "how many users to seed (user-0 …)")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected arguments %q", flag.Args()))
	}
	if *users < 0 {
		fail(fmt.Errorf("--users must not be negative"))
	}
	// Only errors, to stderr; standard output carries the address and nothing else (the
	// bench closes its end after reading it).
	grpclog.SetLoggerV2(grpclog.NewLoggerV2(ioutil.Discard, ioutil.Discard, os.Stderr))

	grpcServer := grpc.NewServer()
	auth.RegisterAuthServiceServer(grpcServer, newService(*users))

	// The gateway's way in: an internal loopback port of the same grpc.Server.
	internal, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	go grpcServer.Serve(internal)
	ctx := context.Background()
	conn, err := grpc.DialContext(ctx, internal.Addr().String(), grpc.WithInsecure())
	if err != nil {
		fail(err)
	}
	gateway := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.JSONPb{OrigName: false}),
	)
	if err := auth.RegisterAuthServiceHandler(ctx, gateway, conn); err != nil {
		fail(err)
	}
	rest := http.StripPrefix(basePath, gateway)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc"):
			grpcServer.ServeHTTP(w, r)
		case strings.HasPrefix(r.URL.Path, basePath+"/"):
			rest.ServeHTTP(w, r)
		default:
			gateway.ServeHTTP(w, r)
		}
	})
	httpServer := &http.Server{
		Handler:           h2c.NewHandler(handler, &http2.Server{}),
		ReadHeaderTimeout: 30 * time.Second,
	}

	public, err := net.Listen("tcp", *addr)
	if err != nil {
		fail(err)
	}
	go httpServer.Serve(public)

	if _, err := fmt.Fprintf(os.Stdout, "listening on %s\n", public.Addr()); err != nil {
		fail(err)
	}

	stop := make(chan os.Signal, 2)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	eof := make(chan struct{})
	go func() {
		io.Copy(ioutil.Discard, os.Stdin)
		close(eof)
	}()
	select {
	case <-stop:
	case <-eof:
	}

	// Stop accepting, let running calls finish for up to 2 s, then exit.
	public.Close()
	done := make(chan struct{})
	go func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		httpServer.Shutdown(shutdown)
		grpcServer.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	os.Exit(0)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "peer-grpc-gateway: error: %v\n", err)
	os.Exit(1)
}
