// Command corkboard serves Corkboard: the pages, the JSON API and the live
// WebSocket sync, with its data in one bbolt file.
//
// Usage:
//
//	corkboard [serve] [-addr :8080] [-db ./data/corkboard.db] [limits...]
//
// Flags win over the environment variables CORKBOARD_ADDR and CORKBOARD_DB.
// Run `corkboard serve -h` for every flag.
//
// This package only wires: main calls run, run builds the store, the hub and
// the HTTP server (NewServer; every route is in routes.go) and waits for a
// signal to shut down gracefully.
package main
