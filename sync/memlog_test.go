package sync_test

import (
	"testing"

	boardsync "corkboard/sync"
	"corkboard/sync/logtest"
)

func TestMemLogConformance(t *testing.T) {
	logtest.Run(t, func(t *testing.T) boardsync.Log { return boardsync.NewMemLog() }, nil)
}

func TestMemLinksConformance(t *testing.T) {
	logtest.RunLinks(t, func(t *testing.T) boardsync.Links { return boardsync.NewMemLinks() }, nil)
}

func TestMemHistoryConformance(t *testing.T) {
	logtest.RunHistory(t, func(t *testing.T) boardsync.History { return boardsync.NewMemHistory() }, nil)
}
