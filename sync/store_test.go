package sync_test

import (
	"testing"

	boardsync "corkboard/sync"
	"corkboard/sync/storetest"
)

func TestMemStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) boardsync.Store { return boardsync.NewMemStore() }, nil)
}
