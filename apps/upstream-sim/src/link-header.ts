// RFC 8288 Link header of the link-paged list, GitHub style: absolute URLs of the first,
// previous, next and last pages, each the request's own URL with only `page` changed.
// rel="next" is absent on the last page (and past it), which is how clients stop.

function pageUrl(requestUrl: URL, pageParam: string, page: number): string {
  const url = new URL(requestUrl);
  url.searchParams.set(pageParam, String(page));
  return url.toString();
}

export function linkHeader(requestUrl: URL, pageParam: string, page: number, totalPages: number): string {
  const links: Array<[string, number]> = [];
  if (page < totalPages) links.push(['next', page + 1]);
  if (page > 1) links.push(['prev', Math.min(page - 1, totalPages)]);
  links.push(['first', 1], ['last', totalPages]);
  return links.map(([rel, target]) => `<${pageUrl(requestUrl, pageParam, target)}>; rel="${rel}"`).join(', ');
}
