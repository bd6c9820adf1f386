import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  MiddlewareCategory,
  MiddlewareDefinitionList,
  MiddlewareDefinitionSummary,
} from '@internal/plugin-app-platform-common';
import {
  Alert,
  Button,
  Container,
  Flex,
  Grid,
  Header,
  SearchField,
  Select,
  Text,
} from '@backstage/ui';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { categoryLabel } from './categoryLabel';
import { categoriesOf, filterDefinitions } from './filterDefinitions';
import { MiddlewareDefinitionCard } from './MiddlewareDefinitionCard';
import { MiddlewareDetailDialog } from './MiddlewareDetailDialog';

const ALL_CATEGORIES = 'all';

/** The definitions that could not be read, each with the reason. */
const UnreadDefinitions = (props: {
  problems: MiddlewareDefinitionList['problems'];
}) =>
  props.problems.length === 0 ? null : (
    <Alert
      status="warning"
      title={
        props.problems.length === 1
          ? '1 definition could not be read'
          : `${props.problems.length} definitions could not be read`
      }
      description={
        <ul aria-label="Definitions that could not be read">
          {props.problems.map(problem => (
            <li key={problem.name}>
              <strong>{problem.name}</strong>: {problem.message}
            </li>
          ))}
        </ul>
      }
    />
  );

/** The grid with its search and category filter. */
const DefinitionGrid = (props: {
  definitions: MiddlewareDefinitionSummary[];
  onOpen: (definition: MiddlewareDefinitionSummary) => void;
}) => {
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState<MiddlewareCategory>();
  const categories = categoriesOf(props.definitions);
  const shown = filterDefinitions(props.definitions, { search, category });

  return (
    <Flex direction="column" gap="4">
      <Flex gap="3" align="end">
        <SearchField
          label="Search"
          placeholder="Title, name or description"
          value={search}
          onChange={setSearch}
        />
        <Select
          label="Category"
          selectedKey={category ?? ALL_CATEGORIES}
          onSelectionChange={key =>
            setCategory(
              key === ALL_CATEGORIES || key === null
                ? undefined
                : (key as MiddlewareCategory),
            )
          }
          options={[
            { id: ALL_CATEGORIES, label: 'All categories' },
            ...categories.map(c => ({ id: c, label: categoryLabel(c) })),
          ]}
        />
      </Flex>
      <Text variant="body-small" color="secondary" aria-live="polite">
        {shown.length === props.definitions.length
          ? `${props.definitions.length} definitions`
          : `${shown.length} of ${props.definitions.length} definitions`}
      </Text>
      {shown.length === 0 ? (
        <Text as="p">
          No definition matches
          {search.trim() ? ` “${search.trim()}”` : ''}
          {category ? ` in ${categoryLabel(category)}` : ''}.
        </Text>
      ) : (
        <Grid.Root
          columns={{ initial: '1', sm: '2', lg: '3' }}
          gap="4"
          role="list"
          aria-label="Middleware definitions"
        >
          {shown.map(definition => (
            <MiddlewareDefinitionCard
              key={definition.name}
              definition={definition}
              onOpen={() => props.onOpen(definition)}
            />
          ))}
        </Grid.Root>
      )}
    </Flex>
  );
};

/**
 * The App Store: every middleware definition the backend read, to search,
 * filter and open for its parameters, a preview of what an install
 * creates and the install itself. Loaded once; definitions change only when
 * their files do.
 */
export const AppStorePage = () => {
  const client = useApi(appPlatformApiRef);
  const list = useAsyncRetry(
    () => client.listMiddlewareDefinitions(),
    [client],
  );
  const [opened, setOpened] = useState<MiddlewareDefinitionSummary>();

  let content;
  if (list.error) {
    content = (
      <Alert
        status="danger"
        role="alert"
        title="The middleware definitions could not be loaded"
        description={describeError(list.error)}
        customActions={
          <Button variant="secondary" size="small" onPress={list.retry}>
            Try again
          </Button>
        }
      />
    );
  } else if (list.loading || !list.value) {
    content = <Progress />;
  } else {
    const { items, problems } = list.value;
    content = (
      <Flex direction="column" gap="4">
        <UnreadDefinitions problems={problems} />
        {items.length > 0 && (
          <DefinitionGrid definitions={items} onOpen={setOpened} />
        )}
        {/* With problems and no items, the warning already says why the grid is empty. */}
        {items.length === 0 && problems.length === 0 && (
          <Text as="p">
            No middleware definitions yet. The backend reads them from{' '}
            <code>templates/middleware</code> and the folders in{' '}
            <code>appPlatform.middleware.locations</code>.
          </Text>
        )}
      </Flex>
    );
  }

  return (
    <>
      <Header title="App Store" />
      <Container>
        {content}
        {opened && (
          <MiddlewareDetailDialog
            definition={opened}
            onClose={() => setOpened(undefined)}
          />
        )}
      </Container>
    </>
  );
};
