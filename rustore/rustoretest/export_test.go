package rustoretest

// ConfirmingForTest reports how many confirms of the purchase fault.Slow holds
// right now, so tests can wait for a hold without sleeping.
func (s *Server) ConfirmingForTest(purchaseID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ps, ok := s.purchases[purchaseID]; ok {
		return ps.confirming
	}
	return 0
}
