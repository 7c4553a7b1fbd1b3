package boltstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// Links live in three buckets, written through the committer like
// everything else (so a board's links and its first snapshot usually share
// a commit) and read in their own transactions:
//
//	links/<link>        {"board":…,"role":…}: what a link gives
//	boardlinks/<id>     the board's BoardLinks, as JSON
//	joincodes/<code>    the board a join code leads to
//
// UpdateLinks rewrites all three for the board in one transaction, so a
// replaced link or code stops working the moment the commit is on disk.

var (
	bucketLinks      = []byte("links")
	bucketBoardLinks = []byte("boardlinks")
	bucketJoinCodes  = []byte("joincodes")
)

var _ boardsync.Links = (*Store)(nil)

type linkValue struct {
	Board string     `json:"board"`
	Role  board.Role `json:"role"`
}

// CreateLinks implements boardsync.Links.
func (s *Store) CreateLinks(ctx context.Context, id string, l boardsync.BoardLinks) error {
	return s.submit(
		func(c *commit) error { return s.checkNotDeleted(c, id) },
		func(c *commit) error {
			if c.tx.Bucket(bucketBoardLinks).Get([]byte(id)) != nil {
				return board.Errorf(board.EConflict, "board %s has links already", id)
			}
			return putLinks(c.tx, id, l, nil)
		})
}

// UpdateLinks implements boardsync.Links.
func (s *Store) UpdateLinks(ctx context.Context, id string, l boardsync.BoardLinks) error {
	return s.submit(
		func(c *commit) error {
			if err := s.checkNotDeleted(c, id); err != nil {
				return err
			}
			// Refused here, not in the write, whose error would fail
			// every write of the commit.
			return s.view(func(tx *bolt.Tx) error {
				if tx.Bucket(bucketBoardLinks).Get([]byte(id)) == nil {
					return board.Errorf(board.ENotFound, "board %s has no links", id)
				}
				return nil
			})
		},
		func(c *commit) error {
			v := c.tx.Bucket(bucketBoardLinks).Get([]byte(id))
			if v == nil {
				return board.Errorf(board.ENotFound, "board %s has no links", id)
			}
			var old boardsync.BoardLinks
			if err := json.Unmarshal(v, &old); err != nil {
				return fmt.Errorf("board %s: its links are damaged", id)
			}
			return putLinks(c.tx, id, l, &old)
		})
}

// putLinks writes a board's links, deleting those of old.
func putLinks(tx *bolt.Tx, id string, l boardsync.BoardLinks, old *boardsync.BoardLinks) error {
	links, codes := tx.Bucket(bucketLinks), tx.Bucket(bucketJoinCodes)
	if old != nil {
		for _, r := range board.Roles {
			if err := links.Delete([]byte(old.Link(r))); err != nil {
				return err
			}
		}
		// Only if the code is still this board's: an expired code may
		// have been drawn again by another board since.
		if c := []byte(old.Join.Code); len(c) > 0 && string(codes.Get(c)) == id {
			if err := codes.Delete(c); err != nil {
				return err
			}
		}
	}
	for _, r := range board.Roles {
		v, _ := json.Marshal(linkValue{Board: id, Role: r})
		if err := links.Put([]byte(l.Link(r)), v); err != nil {
			return err
		}
	}
	if l.Join.Code != "" {
		if err := codes.Put([]byte(l.Join.Code), []byte(id)); err != nil {
			return err
		}
	}
	v, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketBoardLinks).Put([]byte(id), v)
}

// Resolve implements boardsync.Links.
func (s *Store) Resolve(ctx context.Context, link string) (boardsync.Access, error) {
	var a boardsync.Access
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketLinks).Get([]byte(link))
		if v == nil {
			return board.Errorf(board.ENotFound, "this link leads to no board")
		}
		var lv linkValue
		if err := json.Unmarshal(v, &lv); err != nil || !board.ValidRole(lv.Role) {
			return fmt.Errorf("a link's record is damaged")
		}
		a = boardsync.Access{BoardID: lv.Board, Role: lv.Role, Link: link}
		return nil
	})
	return a, err
}

// BoardLinks implements boardsync.Links.
func (s *Store) BoardLinks(ctx context.Context, id string) (boardsync.BoardLinks, error) {
	var l boardsync.BoardLinks
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketBoardLinks).Get([]byte(id))
		if v == nil {
			return board.Errorf(board.ENotFound, "board %s has no links", id)
		}
		if err := json.Unmarshal(v, &l); err != nil {
			return fmt.Errorf("board %s: its links are damaged", id)
		}
		return nil
	})
	return l, err
}

// ResolveCode implements boardsync.Links.
func (s *Store) ResolveCode(ctx context.Context, code string, now time.Time) (string, error) {
	var id string
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketJoinCodes).Get([]byte(code))
		if v == nil {
			return board.Errorf(board.ENotFound, "this code leads to no board")
		}
		id = string(v)
		var l boardsync.BoardLinks
		if err := json.Unmarshal(tx.Bucket(bucketBoardLinks).Get(v), &l); err != nil {
			return fmt.Errorf("board %s: its links are damaged", id)
		}
		if l.Join.Code != code || !now.Before(l.Join.Expires) {
			return board.Errorf(board.ENotFound, "this code leads to no board")
		}
		return nil
	})
	return id, err
}

// checkNotDeleted refuses links for a board deleted before or earlier in
// commit c: they would lead to nothing.
func (s *Store) checkNotDeleted(c *commit, id string) error {
	gone := board.Errorf(board.ENotFound, "board %s was deleted", id)
	if b, ok := c.boards[id]; ok && b == nil {
		return gone
	}
	deleted, err := s.isDeleted(id)
	if err == nil && deleted {
		err = gone
	}
	return err
}
