// Command serve shows a folder on 127.0.0.1 with caching headers.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"strings"
	"time"
)

type cached struct {
	h      http.Handler
	maxAge time.Duration
}

func (c cached) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, ".html") || r.URL.Path == "/" {
		w.Header().Set("Cache-Control", "no-cache")
	} else {
		w.Header().Set("Cache-Control", fmt.Sprintf("max-age=%d", int(c.maxAge.Seconds())))
	}
	c.h.ServeHTTP(w, r)
}

func main() {
	dir := flag.String("dir", "public", "folder to serve")
	port := flag.Int("port", 8080, "port on 127.0.0.1")
	flag.Parse()
	handler := cached{h: http.FileServer(http.Dir(*dir)), maxAge: 24 * time.Hour}
	addr := fmt.Sprintf("127.0.0.1:%d", *port)
	log.Printf("serving %s on http://%s/", *dir, addr)
	if err := http.ListenAndServe(addr, handler); err != nil {
		log.Fatal(err)
	}
}
