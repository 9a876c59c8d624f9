import { useQueries, useQuery } from '@tanstack/react-query';
import { api, type Court, data } from './client.ts';

/** One court by code (reference data: cached for the session). */
export function useCourt(code: string | null | undefined) {
  return useQuery({
    queryKey: ['court', code],
    enabled: Boolean(code),
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => data(api().GET('/courts/{code}', { params: { path: { code: code as string } } })),
  });
}

export function courtName(court: Court | undefined, code: string | null | undefined): string {
  return court ? court.name : (code ?? '—');
}

export function useCampaigns() {
  return useQuery({
    queryKey: ['campaigns'],
    staleTime: 5 * 60_000,
    queryFn: () => data(api().GET('/campaigns')),
  });
}

/** Several courts by code (reference data, cached for the session). */
export function useCourts(codes: string[]): Map<string, Court> {
  const results = useQueries({
    queries: codes.map((code) => ({
      queryKey: ['court', code],
      staleTime: Number.POSITIVE_INFINITY,
      queryFn: () => data(api().GET('/courts/{code}', { params: { path: { code } } })),
    })),
  });
  const map = new Map<string, Court>();
  for (const r of results) if (r.data) map.set(r.data.code, r.data);
  return map;
}

/** The high courts (the quota holders), by code. */
export function useHighCourts() {
  return useQuery({
    queryKey: ['courts', 'high'],
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => data(api().GET('/courts', { params: { query: { level: 'high', limit: 200 } } })),
  });
}
